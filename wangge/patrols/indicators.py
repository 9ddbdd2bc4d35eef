"""Patrol and visit figures for the dashboards (discovered by wangge.indicators): counts
from the records, and compliance per grid from the patrols app's set-based queries."""

from django.db.models import Count, Q

from wangge.core import clock
from wangge.indicators.definitions import Source, count_of, module_available, rate, register_source

GROUP_PATROLS = "巡查走访"

PANELS = {
    "headline": {"patrol_rate": 100},
    "ranking": {"patrol_rate": 70, "care_visit_rate": 80},
    "trend": {"patrol_rate": 70, "visits": 80, "care_visit_rate": 90},
}


def _patrols():
    from wangge.patrols.models import Patrol

    return Patrol.objects.all()


def _visits():
    from wangge.patrols.models import Visit

    return Visit.objects.all()


def _visit_measures() -> dict:
    from wangge.patrols.models import UNCOUNTED_OUTCOMES, VisitMode, VisitTiming

    return {
        "visits": Count("id"),
        "completed": Count("id", filter=~Q(outcome__in=UNCOUNTED_OUTCOMES)),
        "in_person": Count("id", filter=Q(mode=VisitMode.IN_PERSON)),
        "late": Count("id", filter=Q(timing=VisitTiming.LATE)),
    }


COMPLIANCE_MEASURES = (
    "patrol_days",
    "working_days",
    "care_due",
    "care_done",
    "other_due",
    "other_done",
)


def _compliance_rows(prefix: str, period) -> dict[str, dict]:
    """Per grid under ``prefix``: patrol days and working days of the month (up to today
    for the running month) and visit compliance of care households (over the month) and
    of the others (over the quarter), from the patrols app's compliance queries."""
    from wangge.areas.models import Area, AreaKind
    from wangge.patrols.cadence import CARE_RANKS
    from wangge.patrols.periods import month_of, quarter_of
    from wangge.patrols.selectors import patrol_compliance_inputs, visit_compliance_rows

    month = month_of(period.first_day)
    quarter = quarter_of(period.first_day)
    grids = dict(
        Area.objects.filter(path__under=prefix, kind=AreaKind.GRID).values_list("id", "path")
    )
    days, patrol_days, staffed = patrol_compliance_inputs(
        paths=[prefix], month=month, today=clock.today()
    )
    rows = {
        path: {"working_days": len(days) if grid_id in staffed else 0}
        for grid_id, path in grids.items()
    }
    for grid_id, value in patrol_days.items():
        if grid_id in grids:
            rows[grids[grid_id]]["patrol_days"] = value
    for grid_id, rank, households, compliant in visit_compliance_rows(
        paths=[prefix], month=month, quarter=quarter
    ):
        if grid_id not in grids:
            continue
        row = rows[grids[grid_id]]
        kind = "care" if rank in CARE_RANKS else "other"
        row[f"{kind}_due"] = row.get(f"{kind}_due", 0) + households
        row[f"{kind}_done"] = row.get(f"{kind}_done", 0) + int(compliant or 0)
    return rows


_patrols_ready = module_available("wangge.patrols.selectors")

register_source(
    Source(
        key="patrols",
        label="巡查",
        queryset=_patrols,
        measures=lambda: {"patrols": Count("id")},
        period_field="date",
        period_is_date=True,
        available=_patrols_ready,
    )
)
register_source(
    Source(
        key="visits",
        label="走访",
        queryset=_visits,
        measures=_visit_measures,
        period_field="date",
        period_is_date=True,
        available=_patrols_ready,
    )
)
register_source(
    Source(
        key="compliance",
        label="履职合规",
        queryset=_patrols,
        measures=lambda: dict.fromkeys(COMPLIANCE_MEASURES),
        grid_rows=_compliance_rows,
        available=_patrols_ready,
    )
)

count_of("patrols", "巡查次数", "Patrols", "次", GROUP_PATROLS, "patrols.patrols")
rate(
    "patrol_rate",
    "网格巡查履职率",
    "Patrol compliance (patrol days / working days)",
    GROUP_PATROLS,
    "compliance.patrol_days",
    "compliance.working_days",
)
count_of("visits", "走访次数", "Visits", "次", GROUP_PATROLS, "visits.visits")
rate(
    "visits_in_person_rate",
    "入户走访占比",
    "Visits in person",
    GROUP_PATROLS,
    "visits.in_person",
    "visits.visits",
)
rate(
    "visits_late_rate",
    "逾期走访占比",
    "Visits made late",
    GROUP_PATROLS,
    "visits.late",
    "visits.visits",
    higher_is_better=False,
)
rate(
    "care_visit_rate",
    "关爱对象户月走访率",
    "Care households visited as due (month)",
    GROUP_PATROLS,
    "compliance.care_done",
    "compliance.care_due",
)
rate(
    "household_visit_rate",
    "普通户季度走访率",
    "Other households visited (quarter)",
    GROUP_PATROLS,
    "compliance.other_done",
    "compliance.other_due",
)
