"""Patrols, visits and who is responsible for which grid and household.

Nothing here stores a derived state: a household's visit window, "due" and "overdue"
and every compliance figure are computed from these rows by the selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel, TenureModel
from wangge.areas.models import Area
from wangge.people.models import Cadence, Household


class Duty(models.TextChoices):
    """The seven duties of grid workers (七项职责, Kundulun district practice)."""

    PARTY_BUILDING = "party_building", _("党的建设")
    PUBLICITY = "publicity", _("思想宣传")
    RESIDENT_SERVICE = "resident_service", _("服务群众")
    SOCIAL_SECURITY = "social_security", _("平安建设")
    GOVERNANCE = "governance", _("综合治理")
    EMERGENCY = "emergency", _("应急管理")
    ASSISTANCE = "assistance", _("社会救助")


class VisitMode(models.TextChoices):
    IN_PERSON = "in_person", _("入户走访")
    PHONE = "phone", _("电话联系")
    VIDEO = "video", _("视频联系")
    THIRD_PARTY = "third_party", _("第三方了解")


class VisitOutcome(models.TextChoices):
    NORMAL = "normal", _("情况正常")
    NEEDS = "needs", _("有诉求")
    ABNORMAL = "abnormal", _("发现异常")
    NOT_MET = "not_met", _("未见到本人")


# A visit where nobody was met is recorded but does not count as a completed visit.
UNCOUNTED_OUTCOMES = (VisitOutcome.NOT_MET,)


class VisitTiming(models.TextChoices):
    EARLY = "early", _("提前")
    ON_TIME = "on_time", _("按期")
    LATE = "late", _("逾期")


class GridAssignment(ScopedModel, TenureModel):
    """A worker works a grid from ``since`` until the day before ``until`` (open if null).

    Reassigning ends one row and starts another: history stays."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grid_assignments",
        verbose_name=_("网格员"),
    )
    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="worker_assignments", verbose_name=_("网格"))

    class Meta:
        verbose_name = _("网格员分工")
        verbose_name_plural = _("网格员分工")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "grid"],
                condition=Q(until__isnull=True),
                name="grid_assignment_one_open",
            )
        ]
        indexes = [models.Index(fields=["grid", "until"], name="grid_assignment_grid")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.grid.name}"


class HouseholdAssignment(TenureModel):
    """A household of a shared grid given to one of the grid's workers.

    Only effective while the household is still in ``grid``: a household that moved to
    another grid falls back to the new grid's workers without anyone editing this row."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="worker_assignments"
    )
    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="household_assignments"
    )

    class Meta:
        verbose_name = _("包户分工")
        verbose_name_plural = _("包户分工")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(until__isnull=True),
                name="household_assignment_one_open",
            )
        ]


class Patrol(ScopedModel):
    """One patrol of one grid by one worker (巡查). ``date`` is the local start date."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols",
        verbose_name=_("网格员"),
    )
    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("网格"))
    area_path = models.CharField(max_length=255, verbose_name=_("区域路径"))  # no own index: patrol_scope_date leads
    # The phone names its patrol so an end and findings recorded offline can refer to it.
    client_ref = models.CharField(max_length=64, verbose_name=_("客户端编号"))
    date = models.DateField(_("巡查日期"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    auto_closed = models.BooleanField(_("系统补结束"), default=False)
    points = models.JSONField(_("轨迹点"), default=list, blank=True)
    duties = models.JSONField(_("履职类别"), default=list, blank=True)
    notes = models.TextField(_("巡查情况"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        constraints = [
            models.UniqueConstraint(fields=["worker", "client_ref"], name="patrol_client_ref"),
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_at__isnull=True), name="patrol_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "date"], name="patrol_worker_date"),
            models.Index(fields=["area_path", "date"], name="patrol_scope_date"),
            models.Index(fields=["date", "grid"], name="patrol_date_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.date} {self.grid.name}"


class PatrolFinding(models.Model):
    """A problem found on patrol; it lives on as a case in the closed loop."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="findings")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="patrol_finding"
    )
    duty = models.CharField(_("履职类别"), max_length=20, choices=Duty.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Visit(ScopedModel):
    """A household visit (走访). ``grid``/``area_path`` are where the household was then."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("户"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("网格员"),
    )
    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("网格"))
    area_path = models.CharField(max_length=255, verbose_name=_("区域路径"))  # no own index: visit_scope_date leads
    at = models.DateTimeField(_("走访时间"))
    date = models.DateField(_("走访日期"))
    mode = models.CharField(_("走访方式"), max_length=12, choices=VisitMode.choices)
    outcome = models.CharField(_("走访结果"), max_length=10, choices=VisitOutcome.choices)
    notes = models.TextField(_("走访情况"), blank=True)
    duty = models.CharField(_("履职类别"), max_length=20, choices=Duty.choices, blank=True)
    # Household facts the worker saw change, for the registry to review: {field: value}.
    changes = models.JSONField(_("发现的信息变化"), default=dict, blank=True)
    # The household's cadence and window when the visit was made (tags have no history).
    cadence = models.CharField(_("走访频次"), max_length=10, choices=Cadence.choices)
    window_due = models.DateField(_("应访日期"), null=True, blank=True)
    timing = models.CharField(_("时效"), max_length=8, choices=VisitTiming.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        # Partial on completed visits: "last visit" and the period counts are index-only.
        indexes = [
            models.Index(
                fields=["household", "date"],
                condition=~Q(outcome__in=UNCOUNTED_OUTCOMES),
                name="visit_household_counted",
            ),
            models.Index(
                fields=["date", "household"],
                condition=~Q(outcome__in=UNCOUNTED_OUTCOMES),
                name="visit_date_counted",
            ),
            models.Index(fields=["worker", "date"], name="visit_worker_date"),
            models.Index(fields=["area_path", "date"], name="visit_scope_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.date}"


class VisitNeed(models.Model):
    """A need raised on a visit, reported as a case."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="visit_need")
