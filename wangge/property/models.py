"""Red property management (红色物业): companies, estates' management profile, owners'
committees, fee collection, the opinion book and residents' satisfaction.

Estates are the area tree's (``wangge.areas.models.Estate``); this app adds a one-to-one
profile instead of editing that model. Rows live on the estate's grid path.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel, TenureModel
from wangge.areas.models import Area, Estate


class PropertyCompany(ScopedModel):
    """物业公司, registered on the area (street, district or city) that oversees it.

    ``party_org`` is the company's own party organisation in the party module's tree
    (红色物业): a branch of the property industry, normally under the 物业行业党委."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记区域"))
    name = models.CharField(_("公司名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_enc = models.TextField(_("联系电话（加密）"), blank=True)
    party_org = models.ForeignKey(
        "party.PartyOrg", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("公司党组织"),
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("物业公司")
        verbose_name_plural = _("物业公司")

    def __str__(self) -> str:
        return self.name


class ManagementMode(models.TextChoices):
    COMPANY = "company", _("专业物业服务")
    SELF = "self", _("业主自管")
    NONE = "none", _("无物业管理")


class EstateProfile(ScopedModel):
    estate = models.OneToOneField(Estate, on_delete=models.CASCADE, related_name="property_profile", verbose_name=_("小区"))
    mode = models.CharField(_("管理模式"), max_length=10, choices=ManagementMode.choices, default=ManagementMode.NONE)
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="estates",
        verbose_name=_("物业公司"),
    )
    fee_per_m2 = models.DecimalField(
        _("物业费标准(元/㎡·月)"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    households = models.PositiveIntegerField(_("户数"), default=0)
    delivered_percent = models.PositiveSmallIntegerField(
        _("交付比例(%)"), default=100, validators=[MaxValueValidator(100)]
    )
    manager_name = models.CharField(_("物业项目经理"), max_length=50, blank=True)
    # The property manager serves as a part-time member of the community's two committees.
    manager_in_committees = models.BooleanField(_("经理兼任社区两委委员"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("小区物业档案")
        verbose_name_plural = _("小区物业档案")
        indexes = [models.Index(fields=["area_path", "mode"], name="estate_profile_scope_mode")]

    def __str__(self) -> str:
        return str(self.estate)


class CommitteeKind(models.TextChoices):
    OWNERS = "owners", _("业主委员会")
    # Stands in where no owners' committee can be formed.
    MANAGEMENT = "management", _("物业管理委员会")


class OwnersCommittee(ScopedModel):
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="owners_committees", verbose_name=_("小区"))
    kind = models.CharField(_("类型"), max_length=12, choices=CommitteeKind.choices, default=CommitteeKind.OWNERS)
    elected_on = models.DateField(_("成立日期"))
    term_years = models.PositiveSmallIntegerField(
        _("任期(年)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    term_ends = models.DateField(_("任期届满"))
    members = models.PositiveSmallIntegerField(_("委员人数"))
    chair_name = models.CharField(_("主任"), max_length=50)
    party_members = models.PositiveSmallIntegerField(_("党员人数"), default=0)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("业主委员会")
        verbose_name_plural = _("业主委员会")
        indexes = [models.Index(fields=["area_path", "term_ends"], name="committee_scope_term")]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_kind_display()}"


class FeeRecord(ScopedModel):
    """物业费收缴 of one estate for one month: by amount and by household."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("小区"))
    period = models.DateField(_("所属月份"))  # the first day of the month
    amount_due = models.DecimalField(_("应收金额(元)"), max_digits=12, decimal_places=2)
    amount_paid = models.DecimalField(_("实收金额(元)"), max_digits=12, decimal_places=2)
    households_due = models.PositiveIntegerField(_("应缴户数"))
    households_paid = models.PositiveIntegerField(_("已缴户数"))

    class Meta:
        verbose_name = _("物业费收缴")
        verbose_name_plural = _("物业费收缴")
        indexes = [models.Index(fields=["area_path", "period"], name="fee_scope_period")]
        constraints = [models.UniqueConstraint(fields=["estate", "period"], name="fee_one_per_month")]

    def __str__(self) -> str:
        return f"{self.estate} · {self.period:%Y-%m}"


class ReplyBy(models.TextChoices):
    COMPANY = "company", _("物业公司")
    COMMUNITY = "community", _("社区")


class OpinionEntry(ScopedModel):
    """意见簿: a resident's entry and its public reply (答复板)."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("小区"))
    text = models.TextField(_("意见内容"), max_length=1000)
    author_name = models.CharField(_("留言人"), max_length=50, blank=True)
    author_phone_enc = models.TextField(_("留言人电话（加密）"), blank=True)
    transcribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("代录人"),
    )
    created_at = models.DateTimeField(_("留言时间"))
    reply_due = models.DateTimeField(_("答复时限"))
    reply = models.TextField(_("答复内容"), max_length=1000, blank=True)
    reply_by = models.CharField(_("答复方"), max_length=10, choices=ReplyBy.choices, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("答复人"),
    )
    proposal = models.ForeignKey(
        "consultation.Proposal", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("转为议题"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("转为事件"),
    )
    client_key = models.CharField(_("提交编号"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("意见簿")
        verbose_name_plural = _("意见簿")
        indexes = [
            models.Index(fields=["area_path", "created_at"], name="opinion_scope_created"),
            # the notice scanner's "went overdue since the last scan", unanswered entries only
            models.Index(fields=["reply_due"], condition=models.Q(replied_at__isnull=True),
                         name="opinion_unanswered_due"),
        ]


class SatisfactionRating(ScopedModel):
    """One rating per household per quarter for the company serving its estate; the
    household is told apart by a keyed hash of its phone (never stored plain)."""

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("物业公司"))
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("小区"))
    quarter = models.CharField(_("季度"), max_length=7)  # 2026-Q3
    voter_key = models.CharField(_("住户标识（密文索引）"), max_length=40)
    score = models.PositiveSmallIntegerField(
        _("评分(1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "quarter", "voter_key"], name="rating_one_per_household_quarter"
            )
        ]


class CompanyStaff(TenureModel):
    """A property company's staff login (role PROPERTY_STAFF): the user works for the
    company from ``since`` until the day before ``until``, and sees only the estates it
    manages — their opinion book, fee figures and the communities' meetings."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="staff",
                                verbose_name=_("物业公司"))

    class Meta:
        verbose_name = _("物业公司人员")
        verbose_name_plural = _("物业公司人员")
        indexes = [models.Index(fields=["user", "until"], name="company_staff_user")]

    def __str__(self) -> str:
        return f"{self.company} · {self.user}"


class CaseEstate(ScopedModel):
    """A property-category case at an estate, stored when the case is reported (matched
    by grid and address) or opened from the opinion book; its company is the estate's
    company at that moment, so a change of company leaves the history as it was."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("事件"))
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("小区"))
    company = models.ForeignKey(PropertyCompany, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("物业公司"))
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("小区事件")
        verbose_name_plural = _("小区事件")
        indexes = [models.Index(fields=["estate", "linked_at"], name="case_estate_estate"),
                   models.Index(fields=["company", "linked_at"], name="case_estate_company")]

    def __str__(self) -> str:
        return f"{self.estate} · 事件 {self.case_id}"
