"""Rural finance: institutions and the people posted to the villages (``Posting``), the
demand lists (``Demand``), the products catalogue (``Product``), loans and their balances
per period (``Loan``, ``LoanBalance``), the households' consent, the scoring model and the
ratings (``ScoringModel``, ``Criterion``, ``GradeBand``, ``Rating``), adverse records, and
the credit villages and towns a person confirmed (``CreditDesignation``).

Amounts are in 万元 (ten thousand yuan). Stations are facilities of the facilities
module (type ``village_finance``) with its 11 services (migration 0002)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area
from wangge.people.models import Household

STATION_TYPE = "village_finance"


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("银行")
    RURAL_CREDIT = "rural_credit", _("农村信用社/农商行")
    INSURANCE = "insurance", _("保险机构")
    GUARANTEE = "guarantee", _("担保机构")


class Institution(models.Model):
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=InstitutionKind.choices)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("金融机构")
        verbose_name_plural = _("金融机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PostingKind(models.TextChoices):
    PAIRED_UNIT = "paired_unit", _("结对帮扶单位")
    RESIDENT_CADRE = "resident_cadre", _("驻村干部")
    VICE_HEAD = "vice_head", _("金融副镇长")
    ASSISTANT = "assistant", _("村级金融助理员")
    FIRST_SECRETARY = "first_secretary", _("金融村官（第一书记）")


class Posting(ScopedModel):
    """Someone (or a paired unit) posted to a village or, for a vice town head, a town."""

    kind = models.CharField(_("类别"), max_length=16, choices=PostingKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/镇"))
    name = models.CharField(_("姓名/单位"), max_length=100)
    organisation = models.CharField(_("所在单位"), max_length=100, blank=True)
    institution = models.ForeignKey(Institution, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="postings", verbose_name=_("金融机构"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("账号"))
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("金融服务人员")
        verbose_name_plural = _("金融服务人员")
        indexes = [models.Index(fields=["area_path", "kind"], name="finance_posting_scope")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class Purpose(models.TextChoices):
    PLANTING = "planting", _("种植")
    HERDING = "herding", _("养殖")
    BUSINESS = "business", _("个体经营")
    HOUSING = "housing", _("建房修缮")
    EDUCATION = "education", _("助学")
    CONSUMPTION = "consumption", _("生活消费")
    COLLECTIVE = "collective", _("村集体经济")


class Guarantee(models.TextChoices):
    CREDIT = "credit", _("信用")
    JOINT = "joint", _("联保")
    GUARANTOR = "guarantor", _("保证")
    MORTGAGE = "mortgage", _("抵押")
    PLEDGE = "pledge", _("质押（活体、土地经营权等）")


class Applicant(models.TextChoices):
    HOUSEHOLD = "household", _("农牧户")
    CREDIT_HOUSEHOLD = "credit_household", _("信用户（A级及以上）")
    COLLECTIVE = "collective", _("村集体经济组织")
    BUSINESS = "business", _("新型经营主体")


class Product(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="products",
                                    verbose_name=_("金融机构"))
    name = models.CharField(_("产品名称"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    rate_min = models.DecimalField(_("最低年利率(%)"), max_digits=5, decimal_places=2)
    rate_max = models.DecimalField(_("最高年利率(%)"), max_digits=5, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("最长期限(月)"))
    ceiling = models.DecimalField(_("最高额度(万元)"), max_digits=10, decimal_places=2)
    applicant = models.CharField(_("申请对象"), max_length=20, choices=Applicant.choices)
    conditions = models.CharField(_("申请条件"), max_length=300, blank=True)
    active = models.BooleanField(_("在售"), default=True)

    class Meta:
        verbose_name = _("贷款产品")
        verbose_name_plural = _("贷款产品")
        ordering = ["institution__code", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(rate_min__lte=models.F("rate_max")),
                                              name="finance_product_rates")]

    def __str__(self) -> str:
        return f"{self.institution} · {self.name}"


class Consent(ScopedModel):
    """A household's recorded consent to keep its credit data; credit rows exist only
    while one is in force (withdrawing deletes them)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("户"))
    given_on = models.DateField(_("授权日期"))
    evidence = models.CharField(_("授权凭证"), max_length=120)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("信用信息授权")
        verbose_name_plural = _("信用信息授权")
        indexes = [models.Index(fields=["area_path", "household"], name="finance_consent_scope")]
        constraints = [models.UniqueConstraint(fields=["household"], condition=models.Q(withdrawn_on__isnull=True),
                                               name="finance_consent_open")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.given_on}"


class DemandStatus(models.TextChoices):
    COLLECTED = "collected", _("已收集")
    MATCHED = "matched", _("已对接产品")
    GRANTED = "granted", _("已放款")
    DECLINED = "declined", _("未获贷")


class DemandSource(models.TextChoices):
    PHONE = "phone", _("手机登记")
    VISIT = "visit", _("网格走访")
    ASSISTANT = "assistant", _("助理员上门")


class Demand(ScopedModel):
    """A household's (or, with no household, the village collective's) finance need."""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("户"))
    # Blank until the assistant checks a need a grid worker raised on a visit.
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices, blank=True)
    amount = models.DecimalField(_("需求金额(万元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("期限(月)"), null=True, blank=True)
    guarantee = models.CharField(_("担保方式"), max_length=16, choices=Guarantee.choices, blank=True)
    description = models.CharField(_("需求说明"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=DemandSource.choices)
    status = models.CharField(_("状态"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.COLLECTED)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("对接产品"))
    decline_reason = models.CharField(_("未获贷原因"), max_length=200, blank=True)
    visit_id = models.PositiveBigIntegerField(_("走访记录"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("金融需求")
        verbose_name_plural = _("金融需求")
        indexes = [
            models.Index(fields=["area_path", "status"], name="finance_demand_scope"),
            models.Index(fields=["village", "status"], name="finance_demand_village"),
        ]

    @property
    def collective(self) -> bool:
        return self.household_id is None

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.amount or ''}"


class FiveClass(models.TextChoices):
    NORMAL = "normal", _("正常")
    ATTENTION = "attention", _("关注")
    SUBSTANDARD = "substandard", _("次级")
    DOUBTFUL = "doubtful", _("可疑")
    LOSS = "loss", _("损失")


BAD_CLASSES = (FiveClass.SUBSTANDARD, FiveClass.DOUBTFUL, FiveClass.LOSS)


class Loan(ScopedModel):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="loans",
                                    verbose_name=_("金融机构"))
    contract = models.CharField(_("合同编号"), max_length=40)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("户"))
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("产品"))
    demand = models.ForeignKey(Demand, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans",
                               verbose_name=_("需求"))
    amount = models.DecimalField(_("放款金额(万元)"), max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("放款日期"))
    matures_on = models.DateField(_("到期日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("贷款")
        verbose_name_plural = _("贷款")
        indexes = [models.Index(fields=["area_path", "granted_on"], name="finance_loan_scope")]
        constraints = [models.UniqueConstraint(fields=["institution", "contract"], name="finance_loan_contract")]

    def __str__(self) -> str:
        return self.contract


class LoanBalance(ScopedModel):
    """A loan's balance at the end of a period (the first day of the month names it)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="balances", verbose_name=_("贷款"))
    period = models.DateField(_("期间"))
    balance = models.DecimalField(_("余额(万元)"), max_digits=12, decimal_places=2)
    overdue_days = models.PositiveIntegerField(_("逾期天数"), default=0)
    five_class = models.CharField(_("五级分类"), max_length=12, choices=FiveClass.choices, default=FiveClass.NORMAL)

    class Meta:
        verbose_name = _("贷款余额")
        verbose_name_plural = _("贷款余额")
        # ``period`` alone: the latest period of a year or overall (credit.year_end_period,
        # loans.latest_period) is an index probe, not a scan of every balance.
        indexes = [models.Index(fields=["area_path", "period"], name="finance_balance_scope"),
                   models.Index(fields=["period"], name="finance_balance_period_idx")]
        constraints = [models.UniqueConstraint(fields=["loan", "period"], name="finance_balance_period")]


class AdverseRecord(ScopedModel):
    """An arrears or bad-loan record of a household; deleted 5 years after it ended
    (``finance.tasks.adverse_records_expire``, nightly)."""

    class Kind(models.TextChoices):
        ARREARS = "arrears", _("逾期")
        BAD = "bad", _("不良贷款")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("户"))
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, null=True, blank=True, related_name="adverse",
                             verbose_name=_("贷款"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("不良信用记录")
        verbose_name_plural = _("不良信用记录")
        indexes = [
            models.Index(fields=["area_path", "household"], name="finance_adverse_scope"),
            models.Index(fields=["ended_on"], name="finance_adverse_ended"),
        ]


class ScoringModel(models.Model):
    """The credit scoring model: criteria with weights (summing to 100) scored 0–100 each,
    the total on a 100-point scale, and grade bands. The newest active one is in force."""

    name = models.CharField(_("名称"), max_length=60)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用评分模型")
        verbose_name_plural = _("信用评分模型")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="criteria",
                              verbose_name=_("评分模型"))
    name = models.CharField(_("评分项"), max_length=60)
    guidance = models.CharField(_("评分说明"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("权重(%)"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="bands",
                              verbose_name=_("评分模型"))
    grade = models.CharField(_("等级"), max_length=10)
    min_score = models.DecimalField(_("最低分"), max_digits=5, decimal_places=1)
    creditworthy = models.BooleanField(_("评为信用户"), default=True)

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return self.grade


class Rating(ScopedModel):
    """A household's credit rating for a year by the village assessment group."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("户"))
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    year = models.PositiveSmallIntegerField(_("年度"))
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="+", verbose_name=_("评分模型"))
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等级"), max_length=10, blank=True)
    creditworthy = models.BooleanField(_("信用户"), default=False)
    evidence = models.CharField(_("评定依据"), max_length=500)
    group = models.CharField(_("评议小组"), max_length=200)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("录入人"))
    rated_on = models.DateField(_("评定日期"))

    class Meta:
        verbose_name = _("信用评级")
        verbose_name_plural = _("信用评级")
        indexes = [models.Index(fields=["area_path", "year"], name="finance_rating_scope"),
                   models.Index(fields=["village", "year"], name="finance_rating_village")]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="finance_rating_year")]


class CreditRules(models.Model):
    """The rules that propose credit villages and towns (the newest row is in force)."""

    rated_share = models.PositiveSmallIntegerField(_("信用户占比不低于(%)"), default=70)
    no_arrears_share = models.PositiveSmallIntegerField(_("无逾期借款户占比不低于(%)"), default=85)
    bad_loan_ratio = models.DecimalField(_("不良贷款率低于(%)"), max_digits=4, decimal_places=1, default=5)
    town_village_share = models.PositiveSmallIntegerField(_("信用村占比不低于(%)"), default=50)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用村镇评定规则")
        verbose_name_plural = _("信用村镇评定规则")

    def __str__(self) -> str:
        return f"信用村镇评定规则（{self.created_at:%Y-%m-%d}）" if self.created_at else "信用村镇评定规则"


class CreditDesignation(ScopedModel):
    """A credit village or town for a year, confirmed by a person (the system proposes)."""

    class Level(models.TextChoices):
        VILLAGE = "village", _("信用村")
        TOWN = "town", _("信用乡镇")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/镇"))
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    figures = models.JSONField(_("评定时数据"), default=dict)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("信用村镇")
        verbose_name_plural = _("信用村镇")
        indexes = [models.Index(fields=["area_path", "year"], name="finance_designation_scope")]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="finance_designation_year")]
