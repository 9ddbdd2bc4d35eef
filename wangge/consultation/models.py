"""Consultation (协商议事): residents' proposals, meetings, 四议两公开 and resolutions.

Every row lives on a community (``area_path`` is the community's path). Support counts
are kept on the proposal under a row lock (one per person or phone, see ``Support``);
compliance and on-time figures are computed from the rows (docs/domain.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area


class ProposalSource(models.TextChoices):
    PUBLIC = "public", _("居民手机提交")
    VISIT = "visit", _("走访收集")
    CASE = "case", _("事件转入")
    OPINION = "opinion", _("意见簿转入")
    STAFF = "staff", _("工作人员录入")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    AGENDA = "agenda", _("已列入议程")
    MERGED = "merged", _("已合并")
    CLOSED = "closed", _("已办结")


class Proposal(ScopedModel):
    """居民议题: a matter raised by a resident (or entered by staff) for a meeting."""

    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    title = models.CharField(_("议题"), max_length=100)
    body = models.TextField(_("具体内容"), max_length=2000, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ProposalSource.choices)
    source_ref = models.CharField(_("来源编号"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # The raiser's name is never public; the phone is encrypted, its blind index counts
    # as the raiser's own support (one per phone).
    raiser_name = models.CharField(_("提出人"), max_length=50, blank=True)
    raiser_phone_enc = models.TextField(_("提出人电话（加密）"), blank=True)
    support_count = models.PositiveIntegerField(_("附议数"), default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged",
        verbose_name=_("合并到"),
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("列入会议"),
    )
    # A phone resends: the same key returns the first proposal (anonymous idempotency).
    client_key = models.CharField(_("提交编号"), max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("居民议题")
        verbose_name_plural = _("居民议题")
        indexes = [models.Index(fields=["area_path", "status"], name="proposal_scope_status")]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One "me too" (附议): keyed by a blind index of the phone or the user, never plain."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("议题"))
    voter_key = models.CharField(_("附议人标识（密文索引）"), max_length=40)
    at = models.DateTimeField(_("附议时间"))

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter_key"], name="support_one_per_voter")
        ]


class MeetingKind(models.TextChoices):
    TALK = "talk", _("民情恳谈会")
    COUNCIL = "council", _("议事会")
    JOINT = "joint", _("联席会议")
    VILLAGERS = "villagers", _("村民(代表)会议")
    MEMBERS = "members", _("党员大会")


class Meeting(ScopedModel):
    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    kind = models.CharField(_("会议类型"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100)
    expected = models.PositiveIntegerField(_("应到人数"), default=0)
    # Expected attendance per participant role ({"committee": 7, "resident": 12, ...});
    # ``expected`` is their sum when given.
    expected_by_role = models.JSONField(_("各身份应到人数"), default=dict, blank=True)
    held = models.BooleanField(_("已召开"), default=False)
    minutes = models.TextField(_("会议纪要"), blank=True, max_length=10000)
    # The QR code encodes the check-in URL with this unguessable token.
    checkin_token = models.CharField(_("签到码"), max_length=40, unique=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("录入人"),
    )

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")
        indexes = [models.Index(fields=["area_path", "date"], name="meeting_scope_date")]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    COMMITTEE = "committee", _("两委成员")
    PROPERTY = "property", _("物业经理")
    MEMBER = "member", _("党员")
    RESIDENT = "resident", _("居民代表")
    DEPARTMENT = "department", _("职能部门")
    UNIT = "unit", _("驻区单位")


class Attendance(models.Model):
    """A participant checked in at a meeting (by the QR code on a phone, or by staff)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议"))
    role = models.CharField(_("参会身份"), max_length=12, choices=ParticipantRole.choices)
    name = models.CharField(_("姓名或单位"), max_length=50)
    at = models.DateTimeField(_("签到时间"))
    client_key = models.CharField(_("提交编号"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="attendance_one_per_name")
        ]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("会议"))
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("议程"), max_length=200)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("议题"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("事件"),
    )

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["order", "id"]


class MeetingPhoto(models.Model):
    """A photo of a meeting: the re-encoded copy (no metadata) and its thumbnail, served to
    staff in scope by an unguessable token."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("会议"))
    file = models.FileField(_("照片"), upload_to="consultation/%Y/%m/")
    thumbnail = models.FileField(_("缩略图"), upload_to="consultation/%Y/%m/", blank=True)
    content_type = models.CharField(_("类型"), max_length=30)
    token = models.CharField(_("访问码"), max_length=40, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("上传人"),
    )
    at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")


class ResolutionStatus(models.TextChoices):
    PLANNED = "planned", _("待落实")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


class Resolution(ScopedModel):
    """决议事项 with its owner, due date and progress (Decidim accountability)."""

    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="resolutions",
        verbose_name=_("会议"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级事项"),
    )
    title = models.CharField(_("决议事项"), max_length=150)
    owner = models.CharField(_("责任人/单位"), max_length=50)
    due_date = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ResolutionStatus.choices, default=ResolutionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("进度(%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("关联事件"),
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("决议事项")
        verbose_name_plural = _("决议事项")
        indexes = [models.Index(fields=["area_path", "due_date"], name="resolution_scope_due")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="resolution_progress_max")
        ]

    def __str__(self) -> str:
        return self.title


class ResolutionUpdate(models.Model):
    """The timeline of a resolution: every change of progress or status."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="updates", verbose_name=_("决议事项"))
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("更新人"),
    )
    progress = models.PositiveSmallIntegerField(_("进度(%)"))
    status = models.CharField(_("状态"), max_length=12, choices=ResolutionStatus.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("进展")
        verbose_name_plural = _("进展")
        ordering = ["at", "id"]


class Step(models.IntegerChoices):
    """四议两公开 in its order (docs/domain.md)."""

    BRANCH = 1, _("党支部提议")
    COMMITTEES = 2, _("两委会商议")
    MEMBERS = 3, _("党员大会审议")
    VILLAGERS = 4, _("村民(代表)会议决议")
    PUBLISH_RESOLUTION = 5, _("决议公开")
    PUBLISH_RESULT = 6, _("实施结果公开")


class Deliberation(ScopedModel):
    """One village matter going through 四议两公开."""

    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    title = models.CharField(_("事项"), max_length=150)
    resolution = models.OneToOneField(
        Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliberation",
        verbose_name=_("决议事项"),
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("四议两公开")
        verbose_name_plural = _("四议两公开")

    def __str__(self) -> str:
        return self.title


class DeliberationStep(models.Model):
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("事项"))
    step = models.PositiveSmallIntegerField(_("步骤"), choices=Step.choices)
    held_on = models.DateField(_("日期"))
    expected = models.PositiveIntegerField(_("应到人数"), default=0)
    present = models.PositiveIntegerField(_("实到人数"), default=0)
    approve = models.PositiveIntegerField(_("赞成票"), default=0)
    # 村民会议 or 村民代表会议 at step 4 (the thresholds differ).
    representatives = models.BooleanField(_("村民代表会议"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("记录人"),
    )

    class Meta:
        verbose_name = _("议事步骤")
        verbose_name_plural = _("议事步骤")
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "step"], name="deliberation_step_once")
        ]
