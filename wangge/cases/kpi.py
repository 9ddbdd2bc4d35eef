"""Closed-loop KPIs (问效) per handler unit or area and period — computed, never typed in.

The cohort is the cases dispatched in the period (local dates, both ends included) that
the user may see. For each group:

- response rate: signed for by the sign-for deadline / dispatched;
- resolution rate: resolved, verified or closed / dispatched;
- on-time rate: resolved by the deadline / (resolved + still open past the deadline);
- satisfaction rate: satisfied + basically satisfied ratings / all ratings of the cohort;
- rework rate: cases sent back at least once by a failed check / dispatched;
- return rate: cases returned at least once by a handler / dispatched;
- composite: the weighted mean of response, resolution and satisfaction (``KpiWeights``,
  default 30/35/35); a rate with no denominator is left out and the weights renormalised.

Rates are percentages rounded to one decimal, ``None`` when there is nothing to divide.
A case counts for the unit handling it now (a returned and redispatched case counts
for its new handler).
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from wangge.accounts.models import Department
from wangge.areas.models import KIND_DEPTH, Area
from wangge.cases.models import (
    ACTIVE_STATUSES,
    RESOLVED_STATUSES,
    Case,
    Evaluation,
    KpiWeights,
    Satisfaction,
)
from wangge.cases.selectors import case_visible_q
from wangge.core import clock

GROUPINGS = ("department", "handler_area", "district", "street", "community", "grid")


def kpi_weights() -> tuple[int, int, int]:
    row = KpiWeights.objects.order_by("pk").first()
    if row is None:
        return 30, 35, 35
    return row.response, row.resolution, row.satisfaction


def percent_of(numerator: int, denominator: int) -> float | None:
    """numerator / denominator in percent to one decimal; None when nothing was due."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


def composite_score(
    *,
    response: float | None,
    resolution: float | None,
    satisfaction: float | None,
    weights: tuple[int, int, int] | None = None,
) -> float | None:
    weights = weights or kpi_weights()
    parts = [
        (w, v)
        for w, v in zip(weights, (response, resolution, satisfaction), strict=True)
        if v is not None and w
    ]
    total = sum(w for w, _ in parts)
    if not total:
        return None
    return round(sum(w * v for w, v in parts) / total, 1)


def _period(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    start = datetime.combine(period_start, time(0), tzinfo=clock.LOCAL_TZ)
    end = datetime.combine(period_end + timedelta(days=1), time(0), tzinfo=clock.LOCAL_TZ)
    return start, end


def _group_expression(group_by: str, prefix: str = ""):
    if group_by == "department":
        return F(f"{prefix}handler_department_id")
    if group_by == "handler_area":
        return F(f"{prefix}handler_area_id")
    depth = KIND_DEPTH[group_by]
    return Substr(f"{prefix}area_path", 1, Area.steplen * depth)


def _labels(group_by: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if group_by == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group_by == "handler_area":
        return dict(Area.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(Area.objects.filter(path__in=keys).values_list("path", "name"))


def kpi_table(
    *,
    user,
    period_start: date,
    period_end: date,
    group_by: str = "department",
    now: datetime | None = None,
) -> list[dict]:
    """One row per handler unit or area with the six rates and the composite score."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    now = now or clock.now()
    start, end = _period(period_start, period_end)
    cohort = Case.objects.filter(
        case_visible_q(user), dispatched_at__gte=start, dispatched_at__lt=end
    )
    if group_by == "department":
        cohort = cohort.filter(handler_department__isnull=False)
    elif group_by == "handler_area":
        cohort = cohort.filter(handler_area__isnull=False)
    resolved = Q(status__in=RESOLVED_STATUSES)
    rows = (
        cohort.annotate(group_key=_group_expression(group_by))
        .values("group_key")
        .annotate(
            dispatched=Count("id"),
            signed_on_time=Count(
                "id", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))
            ),
            resolved=Count("id", filter=resolved),
            resolved_on_time=Count("id", filter=resolved & Q(resolved_at__lte=F("resolve_due_at"))),
            open_late=Count("id", filter=Q(status__in=ACTIVE_STATUSES, resolve_due_at__lt=now)),
            reworked=Count("id", filter=Q(rework_count__gt=0)),
            returned=Count("id", filter=Q(return_count__gt=0)),
        )
        .order_by("group_key")
    )
    ratings = (
        Evaluation.objects.filter(case__in=cohort.values("pk"))
        .annotate(group_key=_group_expression(group_by, "case__"))
        .values("group_key")
        .annotate(
            rated=Count("id"),
            content=Count("id", filter=Q(rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
        )
    )
    rating_by_key = {row["group_key"]: row for row in ratings}
    rows = list(rows)
    labels = _labels(group_by, [row["group_key"] for row in rows])
    weights = kpi_weights()
    table = []
    for row in rows:
        key = row["group_key"]
        dispatched = row["dispatched"]
        rating = rating_by_key.get(key, {"rated": 0, "content": 0})
        response = percent_of(row["signed_on_time"], dispatched)
        resolution = percent_of(row["resolved"], dispatched)
        satisfaction = percent_of(rating["content"], rating["rated"])
        table.append(
            {
                "key": key,
                "name": labels.get(key, ""),
                "dispatched": dispatched,
                "resolved": row["resolved"],
                "rated": rating["rated"],
                "response_rate": response,
                "resolution_rate": resolution,
                "satisfaction_rate": satisfaction,
                "on_time_rate": percent_of(row["resolved_on_time"], row["resolved"] + row["open_late"]),
                "rework_rate": percent_of(row["reworked"], dispatched),
                "return_rate": percent_of(row["returned"], dispatched),
                "composite": composite_score(
                    response=response,
                    resolution=resolution,
                    satisfaction=satisfaction,
                    weights=weights,
                ),
            }
        )
    table.sort(key=lambda r: (-(r["composite"] or 0), str(r["key"])))
    return table
