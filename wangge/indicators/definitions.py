"""The indicator registry: every figure a leader quotes, as a query over records.

Two layers keep the database work small:

- A *source* is one ``GROUP BY`` query over one table. It names the column holding the
  record's area path and, for flows, the column that places the record in a month; it
  yields several *measures* (counts and sums) at once.
- An *indicator* is a formula over measures: a count, a rate (numerator / denominator),
  an average or a weighted score. Rates are computed from summed measures, never by
  averaging child rates, so a node's figure always equals the one computed from its
  children's records.

Evaluating a node therefore costs one query per source touched, whatever the number of
children: the group key is a prefix of ``area_path`` (``Substr(area_path, 1, depth * 4)``)
so "every district of the city" is a single scan. See ``selectors.py``. On a full city
even that is seconds, so ``rollups.py`` runs every source once per month for the whole
tree and the pages read those rows while they are fresh enough (``models.py``).

Stock indicators (the registers: residents, grids, workers…) describe the records as they
are now, whatever month is asked; flow indicators count the records of the month. Case
KPIs use the cohort and formulas of ``wangge.cases.kpi`` (cases dispatched in the month,
its rounding and composite weights); patrol and visit compliance come per grid from
``wangge.patrols.selectors``.
"""

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from wangge.core import clock
from wangge.people.care_tags import DEFAULT_CARE_TAGS

Measures = Mapping[str, float]


@dataclass(frozen=True)
class Source:
    """One grouped query. ``measures`` maps a name to an aggregate expression."""

    key: str
    label: str
    queryset: Callable[[], QuerySet]
    measures: Callable[[], dict]
    path_field: str = "area_path"
    # Flow sources count the records of a month on this field; stock sources have none
    # and describe the register as it is now.
    period_field: str | None = None
    period_is_date: bool = False
    # Departments' figures group cases by this field (department ranking).
    department_field: str | None = None
    # False when a record may be counted in several groups (a worker on two grids): the
    # node's total then takes its own query instead of summing the groups.
    additive: bool = True
    # Measures that SQL grouping cannot give (distinct days per grid, compliance from
    # another app's set-based query) come per grid from this function instead:
    # (node path, month) → {record's area path: {measure: value}}; the engine adds the
    # rows up into the node and its children. ``measures`` then only names them.
    grid_rows: Callable[[str, object], dict] | None = None
    # False while the app holding the data is not installed yet.
    available: Callable[[], bool] = field(default=lambda: True)

    @property
    def is_flow(self) -> bool:
        return bool(self.period_field) or self.grid_rows is not None


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    group: str
    needs: tuple[str, ...]
    compute: Callable[[Measures], float | None]
    decimals: int = 0
    higher_is_better: bool = True
    description: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(need.split(".", 1)[0] for need in self.needs))


SOURCES: dict[str, Source] = {}
INDICATORS: dict[str, Indicator] = {}


def register_source(source: Source) -> Source:
    if source.key in SOURCES:
        raise ValueError(f"duplicate source {source.key}")
    SOURCES[source.key] = source
    return source


def register(indicator: Indicator) -> Indicator:
    if indicator.code in INDICATORS:
        raise ValueError(f"duplicate indicator {indicator.code}")
    for need in indicator.needs:
        source_key, _, _ = need.partition(".")
        if source_key not in SOURCES:
            raise ValueError(f"{indicator.code} needs unknown source {source_key}")
    INDICATORS[indicator.code] = indicator
    return indicator


# Formula helpers -----------------------------------------------------------------------


def _value(measures: Measures, key: str) -> float:
    return measures.get(key) or 0


def count_of(code, name_zh, name_en, unit, group, measure, **kwargs) -> Indicator:
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            unit,
            group,
            (measure,),
            lambda m, key=measure: _value(m, key),
            **kwargs,
        )
    )


def ratio(numerator: str, denominator: str, *, scale: float = 100.0):
    def compute(measures: Measures) -> float | None:
        base = _value(measures, denominator)
        if not base:
            return None
        return _value(measures, numerator) * scale / base

    return compute


def rate(code, name_zh, name_en, group, numerator, denominator, **kwargs) -> Indicator:
    """A percentage; empty (None) when the denominator is zero."""
    kwargs.setdefault("decimals", 1)
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            "%",
            group,
            (numerator, denominator),
            ratio(numerator, denominator),
            **kwargs,
        )
    )


def average(code, name_zh, name_en, unit, group, total, number, **kwargs) -> Indicator:
    kwargs.setdefault("decimals", 1)
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            unit,
            group,
            (total, number),
            ratio(total, number, scale=1.0),
            **kwargs,
        )
    )


# The area tree and the registers (stock: as they are now) --------------------------------

GROUP_BASE = "基础信息"
GROUP_WORKERS = "网格队伍"
GROUP_CARE = "关爱人群"
GROUP_PROPERTY = "小区物业"


def _areas():
    from wangge.areas.models import Area

    return Area.objects.all()


def _grid_worker_roles():
    from wangge.accounts.models import Role, RoleAssignment

    return RoleAssignment.objects.filter(role=Role.GRID_WORKER, area__isnull=False).current()


def _households():
    from wangge.people.models import Household

    return Household.objects.all()


def _residents():
    from wangge.people.models import Resident

    return Resident.objects.all()


def _resident_tags():
    from wangge.people.models import Resident

    return Resident.care_tags.through.objects.all()


def _estates():
    from wangge.areas.models import Estate

    return Estate.objects.all()


def _buildings():
    from wangge.areas.models import Building

    return Building.objects.all()


def _departments():
    from wangge.accounts.models import Department

    return Department.objects.all()


register_source(
    Source(
        key="areas",
        label="区域",
        queryset=_areas,
        path_field="path",
        measures=lambda: {
            "streets": Count("id", filter=Q(kind="street")),
            "communities": Count("id", filter=Q(kind="community")),
            "grids": Count("id", filter=Q(kind="grid")),
            "grids_mapped": Count("id", filter=Q(kind="grid", polygon__isnull=False)),
        },
    )
)
register_source(
    Source(
        key="workers",
        label="网格员",
        queryset=_grid_worker_roles,
        path_field="area__path",
        measures=lambda: {"grid_workers": Count("user", distinct=True)},
        additive=False,
    )
)
register_source(
    Source(
        key="households",
        label="户",
        queryset=_households,
        measures=lambda: {"households": Count("id")},
    )
)
register_source(
    Source(
        key="residents",
        label="居民",
        queryset=_residents,
        measures=lambda: {"residents": Count("id")},
    )
)
register_source(
    Source(
        key="care",
        label="关爱对象",
        queryset=_resident_tags,
        path_field="resident__area_path",
        measures=lambda: {
            # A resident lives in one grid, so distinct people per group still add up.
            "people": Count("resident", distinct=True),
            **{code: Count("id", filter=Q(caretag__code=code)) for code, *_ in DEFAULT_CARE_TAGS},
        },
    )
)
register_source(
    Source(
        key="estates",
        label="小区",
        queryset=_estates,
        measures=lambda: {
            "estates": Count("id"),
            "managed": Count("id", filter=Q(has_property_management=True)),
        },
    )
)
register_source(
    Source(
        key="buildings",
        label="楼栋",
        queryset=_buildings,
        measures=lambda: {"buildings": Count("id")},
    )
)
register_source(
    Source(
        key="departments",
        label="职能部门",
        queryset=_departments,
        path_field="area__path",
        measures=lambda: {"departments": Count("id")},
    )
)

count_of("streets", "街道（镇、苏木）数", "Streets", "个", GROUP_BASE, "areas.streets")
count_of("communities", "社区（村、嘎查）数", "Communities", "个", GROUP_BASE, "areas.communities")
count_of("grids", "网格数", "Grids", "个", GROUP_BASE, "areas.grids")
rate(
    "grid_map_coverage",
    "网格边界落图率",
    "Grids with a mapped boundary",
    GROUP_BASE,
    "areas.grids_mapped",
    "areas.grids",
)
count_of("households", "户数", "Households", "户", GROUP_BASE, "households.households")
count_of("residents", "居民数", "Residents", "人", GROUP_BASE, "residents.residents")
average(
    "households_per_grid",
    "网格平均户数",
    "Households per grid",
    "户",
    GROUP_BASE,
    "households.households",
    "areas.grids",
)
count_of("departments", "职能部门数", "Departments", "个", GROUP_BASE, "departments.departments")

count_of("grid_workers", "网格员数", "Grid workers", "人", GROUP_WORKERS, "workers.grid_workers")
average(
    "households_per_worker",
    "网格员人均服务户数",
    "Households per grid worker",
    "户",
    GROUP_WORKERS,
    "households.households",
    "workers.grid_workers",
    higher_is_better=False,
)

count_of("care_people", "关爱对象人数", "People in care groups", "人", GROUP_CARE, "care.people")
for _code, _name, *_rest in DEFAULT_CARE_TAGS:
    count_of(f"care_{_code}", _name, f"Care tag: {_code}", "人", GROUP_CARE, f"care.{_code}")

count_of("estates", "小区数", "Estates", "个", GROUP_PROPERTY, "estates.estates")
rate(
    "property_coverage",
    "物业管理覆盖率",
    "Estates under property management",
    GROUP_PROPERTY,
    "estates.managed",
    "estates.estates",
)
count_of("buildings", "楼栋数", "Buildings", "栋", GROUP_PROPERTY, "buildings.buildings")


# The closed loop (cases) ---------------------------------------------------------------

GROUP_CASES = "事件闭环"
GROUP_KPI = "问效考核"
GROUP_SUMMONS = "吹哨报到"


def _module_available(name: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            return False

    return check


def _cases():
    from wangge.cases.models import Case

    return Case.objects.all()


def _evaluations():
    from wangge.cases.models import Evaluation

    return Evaluation.objects.all()


def _summons_responses():
    from wangge.cases.models import SummonsResponse

    return SummonsResponse.objects.all()


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
    from wangge.cases.services import ACTIVE_STATUSES, RESOLVED_STATUSES

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
        "reworked": Count("id", filter=Q(rework_count__gt=0)),
        "returned": Count("id", filter=Q(return_count__gt=0)),
    }


def _rating_measures() -> dict:
    from wangge.cases.models import Satisfaction

    return {
        "rated": Count("id"),
        "content": Count("id", filter=Q(rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
    }


def _open_case_measures() -> dict:
    from wangge.cases.services import ACTIVE_STATUSES, OPEN_STATUSES

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


_cases_ready = _module_available("wangge.cases.services")
_kpi_ready = _module_available("wangge.cases.kpi")

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


def _kpi_rate(numerator: str, denominator: str):
    """Rounded exactly as the KPI table rounds, so both pages show the same figure."""

    def compute(measures: Measures) -> float | None:
        from wangge.cases.kpi import percent_of

        return percent_of(_value(measures, numerator), _value(measures, denominator))

    return compute


def _on_time(measures: Measures) -> float | None:
    from wangge.cases.kpi import percent_of

    due = _value(measures, "kpi.resolved") + _value(measures, "kpi.open_late")
    return percent_of(_value(measures, "kpi.resolved_on_time"), due)


def _composite(measures: Measures) -> float | None:
    from wangge.cases.kpi import composite_score, percent_of

    return composite_score(
        response=percent_of(_value(measures, "kpi.signed_on_time"), _value(measures, "kpi.dispatched")),
        resolution=percent_of(_value(measures, "kpi.resolved"), _value(measures, "kpi.dispatched")),
        satisfaction=percent_of(_value(measures, "ratings.content"), _value(measures, "ratings.rated")),
        weights=kpi_weights_cached(),
    )


_weights_cache: dict = {}


def kpi_weights_cached() -> tuple[int, int, int]:
    """The composite weights, read once per evaluation (``evaluation_started`` clears)."""
    if "weights" not in _weights_cache:
        from wangge.cases.kpi import kpi_weights

        _weights_cache["weights"] = kpi_weights()
    return _weights_cache["weights"]


def evaluation_started() -> None:
    _weights_cache.clear()


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
            _kpi_rate(numerator, denominator),
            **kwargs,
        )
    )


count_of("cases_received", "受理事件数", "Cases received", "件", GROUP_CASES, "cases.received")
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
)
count_of(
    "cases_overdue",
    "超期在办事件数（当前）",
    "Overdue open cases (now)",
    "件",
    GROUP_CASES,
    "open_cases.overdue",
    higher_is_better=False,
)

count_of("cases_dispatched", "派遣事件数", "Cases dispatched", "件", GROUP_KPI, "kpi.dispatched")
kpi_rate(
    "response_rate", "按时签收率（响应率）", "Response rate", "kpi.signed_on_time", "kpi.dispatched"
)
kpi_rate("resolution_rate", "办结率", "Resolution rate", "kpi.resolved", "kpi.dispatched")
register(
    Indicator(
        "on_time_rate",
        "按期办结率",
        "On-time closure rate",
        "%",
        GROUP_KPI,
        ("kpi.resolved_on_time", "kpi.resolved", "kpi.open_late"),
        _on_time,
        decimals=1,
    )
)
kpi_rate("satisfaction_rate", "满意率", "Satisfaction rate", "ratings.content", "ratings.rated")
kpi_rate(
    "rework_rate", "返工率", "Rework rate", "kpi.reworked", "kpi.dispatched", higher_is_better=False
)
kpi_rate(
    "return_rate", "退回率", "Return rate", "kpi.returned", "kpi.dispatched", higher_is_better=False
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
            "ratings.content",
            "ratings.rated",
        ),
        _composite,
        decimals=1,
        description="响应率、办结率、满意率加权（默认 30/35/35）",
    )
)

count_of("summonses", "吹哨次数", "Summonses", "次", GROUP_SUMMONS, "summons.summonses")
count_of(
    "summons_calls",
    "部门报到应到次数",
    "Departments summoned",
    "次",
    GROUP_SUMMONS,
    "summons.calls",
)
rate(
    "checkin_on_time_rate",
    "按时报到率",
    "Check-in on time",
    GROUP_SUMMONS,
    "summons.checked_in_on_time",
    "summons.calls",
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
    )
)
average(
    "summons_rating",
    "报到评价（星）",
    "Check-in rating",
    "星",
    GROUP_SUMMONS,
    "summons.rating_sum",
    "summons.rated",
)


# Patrols and visits ----------------------------------------------------------------------

GROUP_PATROLS = "巡查走访"


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


_patrols_ready = _module_available("wangge.patrols.selectors")

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


def indicator_get(code: str) -> Indicator:
    return INDICATORS[code]


def is_flow(indicator: Indicator) -> bool:
    """A flow indicator counts the records of the chosen month; a stock one is 'now'."""
    return any(SOURCES[key].is_flow for key in indicator.sources)


def is_available(indicator: Indicator) -> bool:
    return all(SOURCES[key].available() for key in indicator.sources)
