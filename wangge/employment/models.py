"""The new-employment census (新就业群体): companies and their workers (kept only with the
worker's consent, recorded with its date), the branches founded among them and the
instructors assigned; the services they receive (care packages, legal aid, job and
training referrals, and visits to rest stations, which are the facilities module's station
logs); and the reports they make through the closed loop. Figures are never stored: the
selectors and indicators count these rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel, TenureModel
from wangge.areas.models import Area
from wangge.cases.models import Case
from wangge.core.personal import EncryptedIdentity
from wangge.facilities.models import Facility, ServiceLog
from wangge.party.models import Alliance, Member, PartyOrg


class Industry(models.TextChoices):
    EXPRESS = "express", _("快递")
    TAKEAWAY = "takeaway", _("外卖")
    RIDE_HAILING = "ride_hailing", _("网约车")
    FREIGHT = "freight", _("货运")
    OTHER = "other", _("其他")


class WorkerType(models.TextChoices):
    COURIER = "courier", _("快递员")
    RIDER = "rider", _("外卖骑手")
    DRIVER = "driver", _("网约车司机")
    TRUCKER = "trucker", _("货车司机")
    OTHER = "other", _("其他")


class Company(ScopedModel):
    """One outlet or station of a platform or brand in the city (the census counts these)."""

    name = models.CharField(_("企业名称"), max_length=100)
    platform = models.CharField(_("平台/品牌"), max_length=50)
    outlet = models.CharField(_("网点/站点"), max_length=100, blank=True)
    industry = models.CharField(_("行业"), max_length=14, choices=Industry.choices, default=Industry.EXPRESS)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    alliance = models.ForeignKey(Alliance, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="employment_companies", verbose_name=_("党建联盟"))
    surveyed_on = models.DateField(_("摸排日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("新业态企业")
        verbose_name_plural = _("新业态企业")
        ordering = ["platform", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Worker(ScopedModel, EncryptedIdentity):
    """A courier, rider or driver (新就业群体从业人员). Personal data is kept only with the
    worker's consent (``consent_on``); withdrawing it erases the name, phone and ID number
    and keeps only the counts (type, company, area)."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    worker_type = models.CharField(_("从业类型"), max_length=10, choices=WorkerType.choices)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="workers", verbose_name=_("所属企业"))
    station = models.CharField(_("所在站点"), max_length=100, blank=True)
    work_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("工作区域"))
    consent_on = models.DateField(_("本人同意日期"), null=True, blank=True)
    consent_withdrawn_on = models.DateField(_("撤回同意日期"), null=True, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    party_member = models.OneToOneField(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="employment_worker", verbose_name=_("党员台账记录"))
    membership_held_at = models.CharField(_("组织关系所在"), max_length=100, blank=True)
    surveyed_on = models.DateField(_("摸排日期"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("新就业群体从业人员")
        verbose_name_plural = _("新就业群体从业人员")
        indexes = [
            models.Index(fields=["company", "worker_type"], name="employment_worker_company"),
            models.Index(fields=["phone_index"], condition=~Q(phone_index=""), name="employment_worker_phone"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~Q(id_number_index=""),
                                    name="employment_worker_unique_id"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("（已撤回同意）"))

    @property
    def name_masked(self) -> str:
        if not self.name:
            return ""
        return self.name[0] + "*" * (len(self.name) - 1)


class Branch(ScopedModel):
    """A party organisation founded among the workers (a node of the party tree)."""

    org = models.OneToOneField(PartyOrg, on_delete=models.PROTECT, related_name="employment_branch",
                               verbose_name=_("党组织"))
    companies = models.ManyToManyField(Company, blank=True, related_name="branches", verbose_name=_("覆盖企业"))
    founded_on = models.DateField(_("成立日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("新就业群体党组织")
        verbose_name_plural = _("新就业群体党组织")

    def __str__(self) -> str:
        return self.org.name


class Instructor(ScopedModel, TenureModel):
    """A party-building instructor (党建指导员) sent to a branch, from ``since`` to ``until``."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="instructors", verbose_name=_("党组织"))
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("派出单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    CARE_PACKAGE = "care_package", _("关爱礼包")
    LEGAL_AID = "legal_aid", _("法律援助")
    JOB_REFERRAL = "job_referral", _("就业推荐")
    TRAINING_REFERRAL = "training_referral", _("技能培训推荐")


class ServiceRecord(ScopedModel):
    """A service delivered: to a worker where known, else to a company's workers (``people``)."""

    kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices)
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="services",
                               verbose_name=_("从业人员"))
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="services", verbose_name=_("企业"))
    date = models.DateField(_("日期"))
    people = models.PositiveIntegerField(_("人次"), default=1)
    provider = models.CharField(_("提供部门"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        indexes = [models.Index(fields=["company", "kind", "date"], name="employment_service_company")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class StationVisit(ScopedModel):
    """A worker's visit to a rest station: the station's service log row (facilities) and
    who came — a known worker, or only their type (and company when known)."""

    log = models.OneToOneField(ServiceLog, on_delete=models.CASCADE, related_name="employment_visit",
                               verbose_name=_("阵地服务记录"))
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="employment_visits",
                                 verbose_name=_("驿站"))
    worker = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
                               verbose_name=_("从业人员"))
    worker_type = models.CharField(_("从业类型"), max_length=10, choices=WorkerType.choices)
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
                                verbose_name=_("企业"))
    date = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("驿站来访")
        verbose_name_plural = _("驿站来访")
        indexes = [models.Index(fields=["facility", "date"], name="employment_visit_day")]


class WorkerReport(ScopedModel):
    """A case a registered worker reported (credited to them, their company and alliance).
    ``area_path`` is the worker's; the case keeps its own."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="reports", verbose_name=_("从业人员"))
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="reports", verbose_name=_("企业"))
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="employment_credit",
                                verbose_name=_("案件"))
    reported_at = models.DateTimeField(_("上报时间"))

    class Meta:
        verbose_name = _("从业人员上报")
        verbose_name_plural = _("从业人员上报")
