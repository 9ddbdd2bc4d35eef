"""The cases behind a KPI: work-list slices (``?kpi=&month=&department=``) and the links
the dashboards put on every rate and score (``wangge.cases.indicators``).

A return counts against the unit that returned the case (the handler its ``return`` event
names); a failed check against the unit whose result failed (the unit the case was last
dispatched to before the check) — ``event_department`` says which.
"""

from datetime import datetime, time
from urllib.parse import urlencode

from django.db.models import Case as When_
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wangge.core import clock


def _named_department():
    return Cast(KeyTextTransform("handler_department", "data"), IntegerField())


def event_department():
    """The unit an event counts against: the handler a dispatch or return names; for a
    check, the unit the case was last dispatched to before it."""
    from wangge.cases.models import CaseEvent

    last_dispatch = (
        CaseEvent.objects.filter(case=OuterRef("case"), action="dispatch", id__lt=OuterRef("id"))
        .order_by("-id")
        .annotate(unit=_named_department())
        .values("unit")[:1]
    )
    return When_(
        When(action="verify", then=Subquery(last_dispatch, output_field=IntegerField())),
        default=_named_department(),
        output_field=IntegerField(),
    )


# Work-list slices (``?kpi=``): which cases of the month and area a figure counts.
SLICES = {
    "received": _("当月受理"),
    "dispatched": _("当月派遣"),
    "late": _("超期（超时办结或超期未办结）"),
    "returned": _("当月被退回"),
    "rework": _("当月核查不通过"),
    "rated": _("当月派遣且已评价"),
    "overdue": _("当前超期在办"),
    "open": _("当前在办"),
    "summoned": _("当月吹哨"),
}


def _month_bounds(month: str) -> tuple[datetime, datetime] | None:
    from wangge.indicators.periods import Period

    try:
        year, number = (int(part) for part in month.split("-"))
        period = Period(year, number)
    except (ValueError, TypeError):
        return None
    start = datetime.combine(period.first_day, time(0), tzinfo=clock.LOCAL_TZ)
    end = datetime.combine(period.next.first_day, time(0), tzinfo=clock.LOCAL_TZ)
    return start, end


def _events_q(action: str, start, end, department: int | None, **extra) -> Q:
    from wangge.cases.models import CaseEvent

    events = CaseEvent.objects.filter(action=action, at__gte=start, at__lt=end, **extra)
    if department:
        events = events.annotate(unit=event_department()).filter(unit=department)
    return Q(pk__in=events.values("case_id"))


def kpi_slice_q(kpi: str, *, month: str, department: int | None = None) -> Q | None:
    """The cases behind a figure of ``month`` (``YYYY-MM``), for one department or all;
    None for an unknown slice or month (the work list then shows nothing)."""
    from wangge.cases.models import ACTIVE_STATUSES, OPEN_STATUSES, RESOLVED_STATUSES

    bounds = _month_bounds(month) if month else None
    now = clock.now()
    if kpi == "overdue":
        return Q(status__in=ACTIVE_STATUSES, resolve_due_at__lt=now)
    if kpi == "open":
        return Q(status__in=OPEN_STATUSES)
    if kpi not in SLICES or bounds is None:
        return None
    start, end = bounds
    if kpi == "received":
        return Q(created_at__gte=start, created_at__lt=end)
    if kpi == "returned":
        return _events_q("return", start, end, department)
    if kpi == "rework":
        return _events_q("verify", start, end, department, data__passed=False)
    if kpi == "summoned":
        from wangge.cases.models import SummonsResponse

        calls = SummonsResponse.objects.filter(
            summons__issued_at__gte=start, summons__issued_at__lt=end
        )
        if department:
            calls = calls.filter(department_id=department)
        return Q(pk__in=calls.values("summons__case_id"))
    cohort = Q(dispatched_at__gte=start, dispatched_at__lt=end)
    if department:
        cohort &= Q(handler_department_id=department)
    if kpi == "late":
        resolved_late = Q(status__in=RESOLVED_STATUSES, resolved_at__gt=F("resolve_due_at"))
        return cohort & (resolved_late | Q(status__in=ACTIVE_STATUSES, resolve_due_at__lt=now))
    if kpi == "rated":
        from wangge.cases.models import Evaluation

        return cohort & Q(pk__in=Evaluation.objects.values("case_id"))
    return cohort


def drill(kpi: str, *, monthly: bool = True):
    def url(area, period, department=None) -> str:
        params = {"tab": "all", "area": area.code, "kpi": kpi}
        if monthly:
            params["month"] = period.key
        if department:
            params["department"] = department
        return f"{reverse('cases:work_list')}?{urlencode(params)}"

    return url


def kpi_slice_apply(cases, filters: dict):
    """The work list narrowed to the cases behind a dashboard figure (``area``, ``kpi``,
    ``month``, ``department`` from the query string), and a label saying so ("" if none).
    Visibility was applied before: this only narrows."""
    from wangge.accounts.models import Department
    from wangge.areas.models import Area

    code, kpi = filters.get("area") or "", filters.get("kpi") or ""
    month, department = filters.get("month") or "", filters.get("department")
    parts = []
    if code:
        area = Area.objects.filter(code=code).first()
        if area is None:
            return cases.none(), str(_("区域不存在"))
        cases = cases.filter(area_path__under=area.path)
        parts.append(area.name)
    if kpi:
        condition = kpi_slice_q(kpi, month=month, department=department)
        if condition is None:
            return cases.none(), str(_("筛选条件无效"))
        cases = cases.filter(condition)
        parts.extend(
            [month, str(SLICES[kpi])]
            if month and kpi not in ("open", "overdue")
            else [str(SLICES[kpi])]
        )
        if department:
            name = Department.objects.filter(pk=department).values_list("name", flat=True).first()
            parts.append(name or "")
    return cases, " · ".join(part for part in parts if part)
