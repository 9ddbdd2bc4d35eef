"""Reading indicators for an area node and a month, within the reader's scope.

Every function takes the user first and answers "not found" for a node outside the
user's dashboard scope, exactly as for a node that does not exist. Figures come from one
grouped query per source (``definitions.py``): children of a node are the groups of
``Substr(area_path, 1, child_depth * 4)``, so a city with 2,800 grids costs the same
number of queries as a street.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models.functions import Substr, Trunc

from wangge.accounts.permissions import DASHBOARD_ROLES, can_view_dashboard
from wangge.accounts.scope import path_in_scope, scope_paths
from wangge.areas.geo import (
    DEFAULT_SIMPLIFY_TOLERANCE,
    SIMPLIFY_TOLERANCE,
    geometry_simplify,
)
from wangge.areas.models import KIND_DEPTH, Area, AreaKind
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.indicators.definitions import (
    INDICATORS,
    MAP_POINTS,
    RANKING_MINIMUMS,
    SOURCES,
    Indicator,
    Source,
    evaluation_started,
    indicators_ordered,
    is_available,
    is_flow,
    panel,
)
from wangge.indicators.labels import indicator_group, indicator_name, indicator_unit, kind_label
from wangge.indicators.periods import Period, last_months
from wangge.indicators.queries import source_rows
from wangge.indicators.rollups import (
    department_rollup_measures,
    fresh_runs,
    rollup_measures,
    rollup_series,
)

STEP = Area.steplen


def ranking_columns() -> list[str]:
    """Columns of a sub-area ranking when the caller names none (panel ``areas``)."""
    return panel("areas")


def default_area_rank_by() -> str:
    """What a sub-area ranking orders by when the caller names nothing."""
    return next(iter(panel("area_rank_by")), "grids")


# Scope ----------------------------------------------------------------------------------


def dashboard_roots(*, user) -> list[Area]:
    """The top nodes of the user's dashboard scope, in tree order."""
    if not can_view_dashboard(user):
        return []
    paths = scope_paths(user, DASHBOARD_ROLES)
    return list(Area.objects.filter(path__in=paths).order_by("path"))


def dashboard_area_get_for_user(*, user, code: str) -> Area:
    """The node with ``code`` if it lies in the user's dashboard scope; else not found."""
    area = Area.objects.filter(code=code).first()
    if (
        area is None
        or not can_view_dashboard(user)
        or not path_in_scope(user, area.path, DASHBOARD_ROLES)
    ):
        raise NotFoundOrForbidden("未找到该区域")
    return area


def _require_scope(user, area: Area) -> None:
    if not can_view_dashboard(user) or not path_in_scope(user, area.path, DASHBOARD_ROLES):
        raise NotFoundOrForbidden("未找到该区域")


def breadcrumb(*, user, area: Area) -> list[Area]:
    """Ancestors of ``area`` the user may open, then ``area`` itself."""
    _require_scope(user, area)
    ancestors = [
        node
        for node in Area.objects.get_ancestors(area)
        if path_in_scope(user, node.path, DASHBOARD_ROLES)
    ]
    return [*ancestors, area]


def sub_areas(area: Area) -> list[Area]:
    return list(Area.objects.filter(path__under=area.path, depth=area.depth + 1).order_by("path"))


# The engine -----------------------------------------------------------------------------


def _sources_of(indicators: Iterable[Indicator]) -> list[Source]:
    keys = dict.fromkeys(key for ind in indicators if is_available(ind) for key in ind.sources)
    return [SOURCES[key] for key in keys]


def _compute(indicators: Iterable[Indicator], measures: dict) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for ind in indicators:
        if not is_available(ind) or any(need not in measures for need in ind.needs):
            values[ind.code] = None
            continue
        values[ind.code] = _round(ind.compute(measures), ind.decimals)
    return values


def _round(value, decimals: int):
    """Half-up, as people round (Python's round() goes to even: 0.25 → 0.2)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def _resolve(codes: Iterable[str] | None) -> list[Indicator]:
    evaluation_started()
    if codes is None:
        return indicators_ordered()
    return [INDICATORS[code] for code in codes if code in INDICATORS]


@dataclass
class AreaFigures:
    """A node's figures and its children's, from one grouped query per source."""

    area: Area
    period: Period
    indicators: list[Indicator]
    total: dict[str, float | None]
    children: list[tuple[Area, dict[str, float | None]]] = field(default_factory=list)
    # When the figures come from the precomputed rollup: when it was computed (else live).
    computed_at: datetime | None = None


def _add_into(target: dict, measures: dict) -> None:
    for name, value in measures.items():
        target[name] = target.get(name, 0) + value


def _collect(
    source: Source, *, prefix: str, period: Period, child_len: int | None
) -> tuple[dict[str, dict], dict]:
    """(measures per child path, measures of the whole node) for one source."""
    names = list(source.measures())
    if source.grid_rows is not None:
        per_key: dict[str, dict] = defaultdict(dict)
        total = dict.fromkeys(names, 0)
        for path, measures in source.grid_rows(prefix, period).items():
            _add_into(total, measures)
            if child_len is not None and len(path) >= child_len:
                _add_into(per_key[path[:child_len]], measures)
        return per_key, total
    periods = (period, period)
    if child_len is None:
        return {}, source_rows(source, prefix=prefix, periods=periods)[None]
    rows = source_rows(
        source, prefix=prefix, periods=periods, group=Substr(source.path_field, 1, child_len)
    )
    # Records attached above the children (a case known only to its street) count for
    # the node, not for any child.
    per_key = {
        key: measures for key, measures in rows.items() if key is not None and len(key) == child_len
    }
    if source.additive:
        total = dict.fromkeys(names, 0)
        for measures in rows.values():
            _add_into(total, measures)
    else:
        total = source_rows(source, prefix=prefix, periods=periods)[None]
    return per_key, total


def area_figures(
    *,
    user,
    area: Area,
    period: Period,
    codes: Iterable[str] | None = None,
    with_children: bool = True,
    rows_kind: str | None = None,
) -> AreaFigures:
    """The node's figures (and its children's) for ``period``; one query per source.

    ``rows_kind`` asks for the rows of a deeper level instead of the children (the map
    colours every grid of a city)."""
    _require_scope(user, area)
    indicators = _resolve(codes)
    if rows_kind is not None:
        depth = KIND_DEPTH[rows_kind]
        children = (
            list(Area.objects.filter(path__under=area.path, kind=rows_kind).order_by("path"))
            if depth >= area.depth
            else []
        )
        child_len = depth * STEP
    else:
        children = sub_areas(area) if with_children else []
        child_len = (area.depth + 1) * STEP
    child_len = child_len if children else None
    sources = _sources_of(indicators)
    run = fresh_runs([period]).get(period) if sources else None
    if run is not None:
        measures = rollup_measures(
            period=period, sources=sources, paths=[area.path, *(c.path for c in children)]
        )
        total_measures, child_measures = measures[area.path], measures
    else:
        total_measures, child_measures = _live_measures(
            sources, area=area, period=period, children=children, child_len=child_len
        )
    return AreaFigures(
        area=area,
        period=period,
        indicators=indicators,
        total=_compute(indicators, total_measures),
        children=[(child, _compute(indicators, child_measures[child.path])) for child in children],
        computed_at=run.computed_at if run is not None else None,
    )


def _live_measures(
    sources, *, area: Area, period: Period, children: list[Area], child_len: int | None
) -> tuple[dict, dict]:
    total_measures: dict[str, float] = {}
    child_measures: dict[str, dict[str, float]] = defaultdict(dict)
    for source in sources:
        per_key, total = _collect(source, prefix=area.path, period=period, child_len=child_len)
        for name, value in total.items():
            total_measures[f"{source.key}.{name}"] = value
        # Children with no record still have a zero, not a gap.
        for child in children:
            measures = per_key.get(child.path, {})
            for name in source.measures():
                child_measures[child.path][f"{source.key}.{name}"] = measures.get(name, 0)
    return total_measures, child_measures


# The named selectors ---------------------------------------------------------------------


def indicator_value(*, user, area: Area, period: Period, code: str) -> float | None:
    figures = area_figures(user=user, area=area, period=period, codes=[code], with_children=False)
    return figures.total[code]


def indicator_rows(figures: AreaFigures) -> list[dict]:
    return [
        {
            "code": ind.code,
            "name": indicator_name(ind),
            "name_en": ind.name_en,
            "unit": indicator_unit(ind),
            "decimals": ind.decimals,
            "group": indicator_group(ind),
            "flow": is_flow(ind),
            "available": is_available(ind),
            "value": figures.total[ind.code],
        }
        for ind in figures.indicators
    ]


def indicator_table(
    *, user, area: Area, period: Period, codes: Iterable[str] | None = None
) -> list[dict]:
    """Every indicator (or ``codes``) for the node and month, in registry order."""
    figures = area_figures(user=user, area=area, period=period, codes=codes, with_children=False)
    return indicator_rows(figures)


def ranking_rows(figures: AreaFigures, rank_by: str) -> list[dict]:
    """Children ordered by ``rank_by`` (best first); empty figures sort last."""
    indicator = INDICATORS[rank_by]
    sign = -1 if indicator.higher_is_better else 1
    ordered = sorted(
        figures.children,
        key=lambda item: (
            item[1].get(rank_by) is None,
            sign * (item[1].get(rank_by) or 0),
            getattr(item[0], "path", None) or str(item[0].pk),
        ),
    )
    rows = []
    previous, rank = object(), 0
    for position, (child, values) in enumerate(ordered, start=1):
        if values.get(rank_by) != previous:
            rank, previous = position, values.get(rank_by)
        rows.append(
            {
                "rank": rank if values.get(rank_by) is not None else None,
                "area": child,
                "values": values,
            }
        )
    return rows


def sub_area_ranking(
    *,
    user,
    area: Area,
    period: Period,
    rank_by: str | None = None,
    codes: Iterable[str] | None = None,
) -> list[dict]:
    """The node's children with their figures, ranked by ``rank_by``."""
    rank_by = rank_by or default_area_rank_by()
    wanted = list(dict.fromkeys([rank_by, *(codes or ranking_columns())]))
    figures = area_figures(user=user, area=area, period=period, codes=wanted)
    return ranking_rows(figures, rank_by)


def department_indicators() -> list[str]:
    """The department ranking's columns (panel ``departments``), the score first."""
    return panel("departments")


def department_ranking(
    *,
    user,
    area: Area,
    period: Period,
    codes: Iterable[str] | None = None,
    rank_by: str | None = None,
) -> list[dict]:
    """Departments that handled cases inside ``area`` in ``period`` (or were summoned to
    one), ranked by ``rank_by`` — by default the composite score. A department below a
    ranking minimum (too few cases, see ``RANKING_MINIMUM``) comes after the ranked ones,
    unranked, with ``apart`` set."""
    _require_scope(user, area)
    indicators = [
        ind
        for ind in _resolve(codes or department_indicators())
        if all(SOURCES[key].ranks_departments for key in ind.sources)
    ]
    if not indicators:
        return []
    codes = [ind.code for ind in indicators]
    minimums = [(code, minimum()) for code, minimum in RANKING_MINIMUMS if code in INDICATORS]
    computed = indicators + [
        INDICATORS[code]
        for code, _ in minimums
        if code not in codes and is_available(INDICATORS[code])
    ]
    from wangge.accounts.models import Department

    sources = _sources_of(computed)
    run = fresh_runs([period]).get(period)
    if run is not None:
        measures = department_rollup_measures(period=period, sources=sources, path=area.path)
    else:
        measures = _live_department_measures(sources, area=area, period=period)
    departments = Department.objects.in_bulk(list(measures))
    figures = AreaFigures(
        area=area,
        period=period,
        indicators=indicators,
        total={},
        computed_at=run.computed_at if run is not None else None,
    )
    children = [
        (departments[pk], _compute(computed, measures[pk]))
        for pk in sorted(measures)
        if pk in departments
    ]

    def apart(values) -> bool:
        return any((values.get(code) or 0) < minimum for code, minimum in minimums)

    rank_by = rank_by if rank_by in codes else codes[0]
    figures.children = [child for child in children if not apart(child[1])]
    rows = ranking_rows(figures, rank_by)
    figures.children = [child for child in children if apart(child[1])]
    for row in ranking_rows(figures, rank_by):
        rows.append(row | {"rank": None, "apart": True})
    for row in rows:
        row["department"] = row.pop("area")
        row.setdefault("apart", False)
    return rows


def _live_department_measures(sources, *, area: Area, period: Period) -> dict:
    measures: dict = defaultdict(dict)
    for source in sources:
        rows = source_rows(
            source, prefix=area.path, periods=(period, period), group=source.department_key()
        )
        for key, values in rows.items():
            if key is None:
                continue
            for name, value in values.items():
                measures[key][f"{source.key}.{name}"] = value
    # A department only summoned (no case dispatched to it) has zero cases, not a gap.
    for values in measures.values():
        for source in sources:
            for name in source.measures():
                values.setdefault(f"{source.key}.{name}", 0)
    return measures


def _month_of(value) -> Period:
    if isinstance(value, datetime):
        value = value.astimezone(clock.LOCAL_TZ) if value.tzinfo else value
        return Period(value.year, value.month)
    if isinstance(value, date):
        return Period(value.year, value.month)
    raise TypeError(value)


def monthly_trend(
    *, user, area: Area, period: Period, codes: Iterable[str], months: int = 12
) -> dict:
    """Flow indicators month by month up to ``period``: one grouped query per source.

    Stock indicators have no history (the register is only known as it is now): their
    series is empty."""
    _require_scope(user, area)
    periods = last_months(period, months)
    indicators = [ind for ind in _resolve(codes) if is_flow(ind)]
    sources = _sources_of(indicators)
    fresh = fresh_runs(periods) if sources else {}
    measures: dict[Period, dict] = rollup_series(
        periods=list(fresh), sources=sources, path=area.path
    )
    live = [month for month in periods if month not in fresh]
    for month in live:
        measures[month] = {}
    for source in sources if live else []:
        if source.grid_rows is not None:
            for month in live:
                _, total = _collect(source, prefix=area.path, period=month, child_len=None)
                for name, value in total.items():
                    measures[month][f"{source.key}.{name}"] = value
            continue
        if source.period_field is None:
            rows = source_rows(source, prefix=area.path, periods=None)[None]
            for month in live:
                for name, value in rows.items():
                    measures[month][f"{source.key}.{name}"] = value
            continue
        if source.period_is_date:
            group = Trunc(source.period_field, "month")
        else:
            group = Trunc(source.period_field, "month", tzinfo=clock.LOCAL_TZ)
        rows = source_rows(source, prefix=area.path, periods=(live[0], live[-1]), group=group)
        for month in live:
            for name in source.measures():
                measures[month][f"{source.key}.{name}"] = 0
        for key, values in rows.items():
            month = _month_of(key)
            if month in live:
                for name, value in values.items():
                    measures[month][f"{source.key}.{name}"] = value
    series = {ind.code: [] for ind in indicators}
    for month in periods:
        values = _compute(indicators, measures[month])
        for ind in indicators:
            series[ind.code].append(values[ind.code])
    return {"months": [month.key for month in periods], "series": series}


def child_kind_label(area: Area) -> str:
    order = [
        AreaKind.CITY,
        AreaKind.DISTRICT,
        AreaKind.STREET,
        AreaKind.COMMUNITY,
        AreaKind.GRID,
        AreaKind.MICROGRID,
    ]
    index = order.index(area.kind)
    return kind_label(order[index + 1]) if index + 1 < len(order) else ""


# The map ---------------------------------------------------------------------------------



def map_grids(*, user, area: Area, period: Period, code: str) -> dict:
    """GeoJSON of the grids under ``area`` that have a boundary, each with ``code``'s value."""
    figures = area_figures(
        user=user, area=area, period=period, codes=[code], rows_kind=AreaKind.GRID
    )
    # Outlines drawn as lightly as the zoom allows: a city map of thousands of grids needs
    # no metre-level corners (positions rounded to ~1 m, corners under the tolerance dropped).
    tolerance = SIMPLIFY_TOLERANCE.get(area.kind, DEFAULT_SIMPLIFY_TOLERANCE)
    features = []
    for grid, values in figures.children:
        if not grid.polygon:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry_simplify(grid.polygon, tolerance=tolerance),
                "properties": {"code": grid.code, "name": grid.name, "value": values.get(code)},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def map_case_points(*, user, area: Area, period: Period, limit: int | None = None) -> dict:
    """Records under ``area`` that the apps pin on the map (``MAP_POINTS``: cases received
    in ``period`` and those still open…), newest first, at most ``limit`` in all."""
    _require_scope(user, area)
    limit = limit or settings.WANGGE_MAP_MAX_POINTS
    features: list[dict] = []
    for points in MAP_POINTS:
        features.extend(points(area.path, period, limit))
    return {
        "type": "FeatureCollection",
        "features": features[:limit],
        "truncated": len(features) > limit,
    }
