"""The closed loop's figures for the dashboards (discovered by wangge.indicators).

Case KPIs use the cohort and rounding of ``wangge.cases.kpi`` (cases dispatched in the
month). Returns and failed checks are counted from the case timeline instead, each against
the unit that earned it: a return against the unit that returned the case (the handler the
``return`` event names), a failed check against the unit whose result failed (the unit the
case was last dispatched to before the check). The composite score deducts for lateness,
returns and rework (the ``WANGGE_SCORE_…`` settings); departments with fewer than
``settings.WANGGE_SCORE_MIN_CASES`` dispatches in the month are listed apart, not ranked.
Every KPI links to the cases behind it: the work list filtered by ``kpi_slice_q``.
"""

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.urls import reverse
from django.utils.translation import get_language

from wangge.cases.kpi_slices import drill as _drill
from wangge.cases.kpi_slices import event_department
from wangge.cases.permissions import can_work_cases
from wangge.cases.scores import composite, kpi_rate_of, kpi_weights_cached, on_time, score_formula
from wangge.core import clock
from wangge.indicators.definitions import (
    Indicator,
    Source,
    count_of,
    module_available,
    rate,
    ratio,
    register,
    register_source,
)


def score_explained() -> str:
    """The composite score's formula in the reader's language (Chinese: ``score_formula``)."""
    if not (get_language() or "").startswith("en"):
        return score_formula()
    response, resolution, satisfaction = kpi_weights_cached()
    total = response + resolution + satisfaction or 1
    return (
        f"Composite score = response rate × {response * 100 // total}% + resolution rate × "
        f"{resolution * 100 // total}% + satisfaction rate × {satisfaction * 100 // total}%, "
        f"less up to {settings.WANGGE_SCORE_LATE_DEDUCTION} points for late resolutions, "
        f"{settings.WANGGE_SCORE_RETURN_DEDUCTION} for returns and "
        f"{settings.WANGGE_SCORE_REWORK_DEDUCTION} for failed checks (minimum 0); departments "
        f"dispatched fewer than {settings.WANGGE_SCORE_MIN_CASES} cases this month are listed "
        "apart, not ranked."
    )


GROUP_CASES = "事件闭环"
GROUP_KPI = "问效考核"
GROUP_SUMMONS = "吹哨报到"

PANELS = {
    "headline": {"cases_received": 70, "cases_overdue": 80, "composite_score": 90},
    "ranking": {
        "composite_score": 10,
        "cases_received": 20,
        "response_rate": 30,
        "resolution_rate": 40,
        "satisfaction_rate": 50,
        "on_time_rate": 60,
    },
    "trend": {
        "cases_received": 10,
        "cases_dispatched": 20,
        "composite_score": 30,
        "resolution_rate": 40,
        "satisfaction_rate": 50,
        "on_time_rate": 60,
    },
    "departments": {
        "composite_score": 10,
        "cases_assigned": 15,
        "cases_dispatched": 20,
        "response_rate": 30,
        "resolution_rate": 40,
        "on_time_rate": 50,
        "satisfaction_rate": 60,
        "rework_rate": 70,
        "return_rate": 80,
        "summons_calls": 90,
        "checkin_on_time_rate": 100,
        "checkin_minutes": 110,
        "summons_rating": 120,
    },
    "rank_by": {"composite_score": 10},
    # What the monthly briefing reports as overdue, with the area holding the most.
    "overdue": {"cases_overdue": 10},
}

# Departments with fewer dispatches than the setting are listed apart, not ranked.
RANKING_MINIMUM = ("cases_assigned", lambda: settings.WANGGE_SCORE_MIN_CASES)


# Sources -------------------------------------------------------------------------------


def _cases():
    from wangge.cases.models import Case

    return Case.objects.all()


def _evaluations():
    from wangge.cases.models import Evaluation

    return Evaluation.objects.all()


def _summons_responses():
    from wangge.cases.models import SummonsResponse

    return SummonsResponse.objects.all()


HANDLING_ACTIONS = ("dispatch", "return", "verify")


def _handling_events():
    from wangge.cases.models import CaseEvent

    return CaseEvent.objects.filter(action__in=HANDLING_ACTIONS)


def _case_measures() -> dict:
    from wangge.cases.models import Source as CaseSource
    from wangge.cases.models import Status

    return {
        "received": Count("id"),
        "rejected": Count("id", filter=Q(status=Status.REJECTED)),
        **{
            f"from_{source}": Count("id", filter=Q(source=source))
            for source in (CaseSource.RESIDENT, CaseSource.GRID_WORKER, CaseSource.HOTLINE)
        },
    }


def _kpi_measures() -> dict:
    """The cohort and counts of ``wangge.cases.kpi.kpi_table`` (cases dispatched in the
    month), as aggregates that group by area prefix or department in one query. A test
    holds these figures equal to ``kpi_table``'s."""
    from wangge.cases.models import ACTIVE_STATUSES, RESOLVED_STATUSES

    now = clock.now()
    resolved = Q(status__in=RESOLVED_STATUSES)
    return {
        "dispatched": Count("id"),
        "signed_on_time": Count(
            "id", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))
        ),
        "resolved": Count("id", filter=resolved),
        "resolved_on_time": Count("id", filter=resolved & Q(resolved_at__lte=F("resolve_due_at"))),
        "open_late": Count("id", filter=Q(status__in=ACTIVE_STATUSES, resolve_due_at__lt=now)),
    }


def _handling_measures() -> dict:
    return {
        "assigned": Count("id", filter=Q(action="dispatch")),
        "returned": Count("id", filter=Q(action="return")),
        "checked": Count("id", filter=Q(action="verify")),
        "failed": Count("id", filter=Q(action="verify", data__passed=False)),
    }


def _rating_measures() -> dict:
    from wangge.cases.models import Satisfaction

    return {
        "rated": Count("id"),
        "content": Count("id", filter=Q(rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
    }


def _open_case_measures() -> dict:
    from wangge.cases.models import ACTIVE_STATUSES, OPEN_STATUSES

    return {
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count(
            "id", filter=Q(status__in=ACTIVE_STATUSES, resolve_due_at__lt=clock.now())
        ),
    }


def _summons_measures() -> dict:
    return {
        "summonses": Count("summons", distinct=True),
        "calls": Count("id"),
        "checked_in": Count("id", filter=Q(checked_in_at__isnull=False)),
        "checked_in_on_time": Count("id", filter=Q(checked_in_at__lte=F("due_at"))),
        "checkin_seconds": Sum(
            ExpressionWrapper(
                F("checked_in_at") - F("summons__issued_at"), output_field=DurationField()
            ),
            filter=Q(checked_in_at__isnull=False),
        ),
        "rated": Count("rating"),
        "rating_sum": Sum("rating"),
    }


_cases_ready = module_available("wangge.cases.services")
_kpi_ready = module_available("wangge.cases.kpi")

register_source(
    Source(
        key="cases",
        label="事件受理",
        queryset=_cases,
        measures=_case_measures,
        period_field="created_at",
        available=_cases_ready,
    )
)
register_source(
    Source(
        key="kpi",
        label="派遣事件",
        queryset=_cases,
        measures=_kpi_measures,
        period_field="dispatched_at",
        department_field="handler_department_id",
        available=_kpi_ready,
    )
)
register_source(
    Source(
        key="handling",
        label="派遣、退回与核查",
        queryset=_handling_events,
        measures=_handling_measures,
        path_field="case__area_path",
        period_field="at",
        department_expr=event_department,
        available=_kpi_ready,
    )
)
register_source(
    Source(
        key="ratings",
        label="回访评价",
        queryset=_evaluations,
        measures=_rating_measures,
        path_field="case__area_path",
        period_field="case__dispatched_at",
        department_field="case__handler_department_id",
        available=_kpi_ready,
    )
)
register_source(
    Source(
        key="open_cases",
        label="在办事件",
        queryset=_cases,
        measures=_open_case_measures,
        available=_cases_ready,
    )
)
register_source(
    Source(
        key="summons",
        label="吹哨报到",
        queryset=_summons_responses,
        measures=_summons_measures,
        path_field="summons__case__area_path",
        period_field="summons__issued_at",
        department_field="department_id",
        available=_cases_ready,
    )
)


# Indicators ------------------------------------------------------------------------------


def kpi_rate(code, name_zh, name_en, numerator, denominator, **kwargs) -> Indicator:
    kwargs.setdefault("decimals", 1)
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            "%",
            GROUP_KPI,
            (numerator, denominator),
            kpi_rate_of(numerator, denominator),
            **kwargs,
        )
    )


count_of(
    "cases_received",
    "受理事件数",
    "Cases received",
    "件",
    GROUP_CASES,
    "cases.received",
    drill_allowed=can_work_cases, drill=_drill("received"),
)
count_of(
    "cases_from_grid_worker",
    "网格员上报事件数",
    "Cases reported by grid workers",
    "件",
    GROUP_CASES,
    "cases.from_grid_worker",
)
count_of(
    "cases_from_resident",
    "群众上报事件数",
    "Cases reported by residents",
    "件",
    GROUP_CASES,
    "cases.from_resident",
)
count_of(
    "cases_from_hotline",
    "12345 转办事件数",
    "Cases from the 12345 hotline",
    "件",
    GROUP_CASES,
    "cases.from_hotline",
)
count_of(
    "cases_rejected",
    "作废事件数",
    "Cases rejected",
    "件",
    GROUP_CASES,
    "cases.rejected",
    higher_is_better=False,
)
count_of(
    "cases_open",
    "在办事件数（当前）",
    "Open cases (now)",
    "件",
    GROUP_CASES,
    "open_cases.open",
    higher_is_better=False,
    drill_allowed=can_work_cases, drill=_drill("open", monthly=False),
)
count_of(
    "cases_overdue",
    "超期在办事件数（当前）",
    "Overdue open cases (now)",
    "件",
    GROUP_CASES,
    "open_cases.overdue",
    higher_is_better=False,
    drill_allowed=can_work_cases, drill=_drill("overdue", monthly=False),
)

count_of(
    "cases_dispatched",
    "派遣事件数",
    "Cases dispatched",
    "件",
    GROUP_KPI,
    "kpi.dispatched",
    drill_allowed=can_work_cases, drill=_drill("dispatched"),
)
count_of(
    "cases_assigned",
    "派遣件次",
    "Dispatches received (incl. redispatches)",
    "件",
    GROUP_KPI,
    "handling.assigned",
    drill_allowed=can_work_cases, drill=_drill("dispatched"),
)
kpi_rate(
    "response_rate",
    "按时签收率（响应率）",
    "Response rate",
    "kpi.signed_on_time",
    "kpi.dispatched",
    drill_allowed=can_work_cases, drill=_drill("dispatched"),
)
kpi_rate(
    "resolution_rate",
    "办结率",
    "Resolution rate",
    "kpi.resolved",
    "kpi.dispatched",
    drill_allowed=can_work_cases, drill=_drill("dispatched"),
)
register(
    Indicator(
        "on_time_rate",
        "按期办结率",
        "On-time closure rate",
        "%",
        GROUP_KPI,
        ("kpi.resolved_on_time", "kpi.resolved", "kpi.open_late"),
        on_time,
        decimals=1,
        drill_allowed=can_work_cases, drill=_drill("late"),
    )
)
kpi_rate(
    "satisfaction_rate",
    "满意率",
    "Satisfaction rate",
    "ratings.content",
    "ratings.rated",
    drill_allowed=can_work_cases, drill=_drill("rated"),
)
kpi_rate(
    "rework_rate",
    "返工率（核查不通过）",
    "Rework rate (failed checks / checks)",
    "handling.failed",
    "handling.checked",
    higher_is_better=False,
    drill_allowed=can_work_cases, drill=_drill("rework"),
)
kpi_rate(
    "return_rate",
    "退回率",
    "Return rate (returns / dispatches received)",
    "handling.returned",
    "handling.assigned",
    higher_is_better=False,
    drill_allowed=can_work_cases, drill=_drill("returned"),
)
register(
    Indicator(
        "composite_score",
        "综合评分",
        "Composite score",
        "分",
        GROUP_KPI,
        (
            "kpi.signed_on_time",
            "kpi.dispatched",
            "kpi.resolved",
            "kpi.resolved_on_time",
            "kpi.open_late",
            "ratings.content",
            "ratings.rated",
            "handling.assigned",
            "handling.returned",
            "handling.checked",
            "handling.failed",
        ),
        composite,
        decimals=1,
        description="响应率、办结率、满意率加权，按超期、退回、返工扣分",
        drill_allowed=can_work_cases, drill=_drill("dispatched"),
        explain=score_explained,
    )
)

count_of(
    "summonses",
    "吹哨次数",
    "Summonses",
    "次",
    GROUP_SUMMONS,
    "summons.summonses",
    drill_allowed=can_work_cases, drill=_drill("summoned"),
)
count_of(
    "summons_calls",
    "部门报到应到次数",
    "Departments summoned",
    "次",
    GROUP_SUMMONS,
    "summons.calls",
    drill_allowed=can_work_cases, drill=_drill("summoned"),
)
rate(
    "checkin_on_time_rate",
    "按时报到率",
    "Check-in on time",
    GROUP_SUMMONS,
    "summons.checked_in_on_time",
    "summons.calls",
    drill_allowed=can_work_cases, drill=_drill("summoned"),
)
register(
    Indicator(
        "checkin_minutes",
        "平均报到用时",
        "Average check-in time",
        "分钟",
        GROUP_SUMMONS,
        ("summons.checkin_seconds", "summons.checked_in"),
        ratio("summons.checkin_seconds", "summons.checked_in", scale=1 / 60),
        decimals=1,
        higher_is_better=False,
        drill_allowed=can_work_cases, drill=_drill("summoned"),
    )
)
register(
    Indicator(
        "summons_rating",
        "报到评价（星）",
        "Check-in rating",
        "星",
        GROUP_SUMMONS,
        ("summons.rating_sum", "summons.rated"),
        ratio("summons.rating_sum", "summons.rated", scale=1.0),
        decimals=1,
        drill_allowed=can_work_cases, drill=_drill("summoned"),
    )
)


# The map ---------------------------------------------------------------------------------


def map_points(prefix: str, period, limit: int) -> list[dict]:
    """Cases under ``prefix`` with a location: those received in ``period`` and those
    still open, newest first, at most ``limit + 1``. Only number, category and status go
    out — no description, no reporter."""
    from wangge.cases.models import OPEN_STATUSES, Case, Status

    rows = (
        Case.objects.filter(area_path__under=prefix, lat__isnull=False, lng__isnull=False)
        .filter(
            Q(created_at__gte=period.start, created_at__lt=period.end) | Q(status__in=OPEN_STATUSES)
        )
        .order_by("-created_at", "-id")
        .values("id", "number", "status", "lat", "lng", "created_at", "category__name")[: limit + 1]
    )
    labels = dict(Status.choices)
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lng"], row["lat"]]},
            "properties": {
                "number": row["number"],
                "url": reverse("cases:detail", args=[row["id"]]),
                "status": row["status"],
                "status_label": labels.get(row["status"], row["status"]),
                "category": row["category__name"],
                "date": row["created_at"].astimezone(clock.LOCAL_TZ).date().isoformat(),
            },
        }
        for row in rows
    ]


MAP_POINTS = map_points
