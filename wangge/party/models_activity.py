"""Party activity rows: 双报到, 党员中心户, 三会一课 records, communities' 一肩挑 and workers.
(Imported by models.py: Django sees one models module.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area
from wangge.core import crypto
from wangge.core.masking import mask_phone
from wangge.people.models import Household

__all__ = [
    "CentralHousehold", "CommunityProfile", "CommunityWorker", "DualRegistration",
    "Meeting", "MeetingKind", "MeetingPhoto", "ServiceHours", "ServicePost",
]


class ServicePost(ScopedModel):
    """A service post or project a community publishes for 双报到 members to claim."""

    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    title = models.CharField(_("岗位/项目"), max_length=100)
    open = models.BooleanField(_("开放认领"), default=True)

    class Meta:
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")

    def __str__(self) -> str:
        return self.title


class DualRegistration(ScopedModel):
    """双报到: an in-service member registers with their residential community."""

    member = models.OneToOneField("party.Member", on_delete=models.CASCADE, related_name="dual", verbose_name=_("党员"))
    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("居住社区"))
    registered_on = models.DateField(_("报到日期"))
    posts = models.ManyToManyField(ServicePost, blank=True, related_name="claimed_by", verbose_name=_("认领岗位"))
    report_h1 = models.BooleanField(_("上半年报告"), default=False)
    report_h2 = models.BooleanField(_("下半年报告"), default=False)
    feedback_sent_on = models.DateField(_("反馈单寄送日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("双报到")
        verbose_name_plural = _("双报到")


class ServiceHours(models.Model):
    registration = models.ForeignKey(DualRegistration, on_delete=models.CASCADE, related_name="hours", verbose_name=_("报到"))
    post = models.ForeignKey(ServicePost, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("岗位"))
    date = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    confirmed = models.BooleanField(_("社区已确认"), default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("确认人"))

    class Meta:
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        indexes = [models.Index(fields=["registration", "date"], name="party_hours_reg_date")]


class CentralHousehold(ScopedModel):
    """党员中心户: a member household linked to neighbouring households. ``contact_enc`` is
    the phone the household publishes for its neighbours and the grid worker."""

    member = models.OneToOneField("party.Member", on_delete=models.CASCADE, related_name="central_household", verbose_name=_("党员"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("中心户"))
    linked = models.ManyToManyField(Household, blank=True, related_name="party_central_links", verbose_name=_("联系户"))
    contact_enc = models.TextField(_("联系电话（密文）"), blank=True, default="")
    since = models.DateField(_("设立日期"))

    class Meta:
        verbose_name = _("党员中心户")
        verbose_name_plural = _("党员中心户")

    @property
    def contact(self) -> str:
        return crypto.decrypt(self.contact_enc) if self.contact_enc else ""

    @property
    def contact_masked(self) -> str:
        return mask_phone(self.contact) if self.contact_enc else ""

    def __str__(self) -> str:
        return f"党员中心户 {self.household}"


class MeetingKind(models.TextChoices):
    ASSEMBLY = "assembly", _("支部党员大会")
    COMMITTEE = "committee", _("支部委员会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE = "life", _("组织生活会")
    APPRAISAL = "appraisal", _("民主评议党员")


class Meeting(ScopedModel):
    """A record of 三会一课 or organisational life. ``valid`` is a fact of the record: a
    members' meeting counts only when more than half of the voting members attend."""

    org = models.ForeignKey("party.PartyOrg", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("党组织"))
    org_path = models.CharField(_("组织路径"), max_length=255)
    area_path = models.CharField(_("区域路径"), max_length=255)  # party_meeting_scope leads
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    date = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=200)
    expected = models.PositiveSmallIntegerField(_("应到人数"))
    attended = models.PositiveSmallIntegerField(_("实到人数"))
    voting_expected = models.PositiveSmallIntegerField(_("有表决权应到"), default=0)
    voting_attended = models.PositiveSmallIntegerField(_("有表决权实到"), default=0)
    valid = models.BooleanField(_("有效"), default=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    photo_count = models.PositiveSmallIntegerField(_("照片数"), default=0)
    attendees = models.ManyToManyField("party.Member", blank=True, related_name="meetings", verbose_name=_("出席党员"))
    client_key = models.CharField(_("提交编号"), max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三会一课记录")
        verbose_name_plural = _("三会一课记录")
        indexes = [
            models.Index(fields=["area_path", "date"], name="party_meeting_scope"),
            models.Index(fields=["date", "org", "kind"], name="party_meeting_period"),
            models.Index(fields=["org", "date"], name="party_meeting_org"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recorded_by", "client_key"], condition=~models.Q(client_key=""), name="party_meeting_client_key")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class MeetingPhoto(models.Model):
    """A photo of a 三会一课 record: the re-encoded copy (no metadata) and its thumbnail,
    served to party roles in scope of the meeting (the token alone is not enough)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("会议"))
    file = models.FileField(_("照片"), upload_to="party/%Y/%m/")
    thumbnail = models.FileField(_("缩略图"), upload_to="party/%Y/%m/", blank=True)
    content_type = models.CharField(_("类型"), max_length=30)
    token = models.CharField(_("访问码"), max_length=40, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")


class CommunityProfile(ScopedModel):
    """一肩挑 of a community or village: its party secretary also heads the residents'
    (villagers') committee, and in villages the collective economic organisation."""

    community = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区/村"))
    is_village = models.BooleanField(_("村/嘎查"), default=False)
    secretary_is_director = models.BooleanField(_("书记兼任居（村）委会主任"), default=False)
    secretary_heads_collective = models.BooleanField(_("书记兼任集体经济组织负责人"), default=False)

    class Meta:
        verbose_name = _("社区一肩挑")
        verbose_name_plural = _("社区一肩挑")

    def __str__(self) -> str:
        return str(self.community)


class CommunityWorker(ScopedModel):
    """社区工作者 roster."""

    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区/村"))
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("岗位"), max_length=50)
    is_member = models.BooleanField(_("党员"), default=False)

    class Meta:
        verbose_name = _("社区工作者")
        verbose_name_plural = _("社区工作者")

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"
