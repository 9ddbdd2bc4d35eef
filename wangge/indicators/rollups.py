"""Rebuilding and reading the precomputed figures (see ``models.py``).

A rebuild runs each source once for the whole tree, grouped by the record's own area path,
and adds each group into every ancestor prefix of that path; sources whose measures do not
add up (distinct workers) are grouped once per tree level instead. The result holds exactly
what the live queries would return for every node, which a test checks node by node.
"""

import time
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Cast, Concat, Substr

from wangge.areas.models import Area
from wangge.core import clock
from wangge.indicators.definitions import SOURCES, Source
from wangge.indicators.models import DepartmentRollup, Rollup, RollupRun
from wangge.indicators.periods import Period, last_months
from wangge.indicators.queries import source_rows

STEP = Area.steplen
# Between a path and a department id in one group key (paths hold 0-9A-Z only).
SEPARATOR = "|"


def _prefixes(path: str):
    for end in range(STEP, len(path) + 1, STEP):
        yield path[:end]


def _tree_depth() -> int:
    return Area.objects.aggregate(depth=Max("depth"))["depth"] or 0


def _source_by_node(source: Source, period: Period, depth: int) -> dict[str, dict]:
    """{node path: measures} for every node with records of ``source`` in ``period``."""
    names = list(source.measures())
    nodes: dict[str, dict] = defaultdict(lambda: dict.fromkeys(names, 0))
    if source.grid_rows is not None:
        rows = source.grid_rows("", period).items()
    elif source.additive:
        rows = source_rows(
            source, prefix="", periods=(period, period), group=F(source.path_field)
        ).items()
    else:
        for level in range(1, depth + 1):
            grouped = source_rows(
                source,
                prefix="",
                periods=(period, period),
                group=Substr(source.path_field, 1, level * STEP),
            )
            for path, measures in grouped.items():
                if path is not None and len(path) == level * STEP:
                    nodes[path] = dict(nodes[path]) | measures
        return nodes
    for path, measures in rows:
        if not path:
            continue
        for prefix in _prefixes(path):
            target = nodes[prefix]
            for name, value in measures.items():
                target[name] = target.get(name, 0) + value
    return nodes


def _source_by_node_and_department(source: Source, period: Period) -> dict[tuple, dict]:
    """{(node path, department id): measures} for a source that ranks departments."""
    key = Concat(
        F(source.path_field),
        Value(SEPARATOR),
        Cast(source.department_key(), CharField()),
        output_field=CharField(),
    )
    nodes: dict[tuple, dict] = defaultdict(dict)
    for group, measures in source_rows(
        source, prefix="", periods=(period, period), group=key
    ).items():
        path, _, department = (group or "").rpartition(SEPARATOR)
        if not path or not department:
            continue
        for prefix in _prefixes(path):
            target = nodes[(prefix, int(department))]
            for name, value in measures.items():
                target[name] = target.get(name, 0) + value
    return nodes


@transaction.atomic
def rollup_refresh(*, period: Period) -> RollupRun:
    """Rebuild the rollup of ``period`` from the records (every available source), with
    the department figures of every node."""
    started = time.perf_counter()
    depth = _tree_depth()
    rows, department_rows = [], []
    for source in SOURCES.values():
        if not source.available():
            continue
        for path, measures in _source_by_node(source, period, depth).items():
            rows.append(
                Rollup(
                    period=period.first_day, source=source.key, area_path=path, measures=measures
                )
            )
        if source.ranks_departments:
            for (path, department), measures in _source_by_node_and_department(
                source, period
            ).items():
                department_rows.append(
                    DepartmentRollup(
                        period=period.first_day,
                        source=source.key,
                        area_path=path,
                        department_id=department,
                        measures=measures,
                    )
                )
    Rollup.objects.filter(period=period.first_day).delete()
    DepartmentRollup.objects.filter(period=period.first_day).delete()
    Rollup.objects.bulk_create(rows, batch_size=2000)
    DepartmentRollup.objects.bulk_create(department_rows, batch_size=2000)
    run, _ = RollupRun.objects.update_or_create(
        period=period.first_day,
        defaults={
            "computed_at": clock.now(),
            "seconds": time.perf_counter() - started,
            "rows": len(rows) + len(department_rows),
        },
    )
    return run


def rollup_refresh_recent(*, months: int | None = None) -> list[RollupRun]:
    """Rebuild the current month and the months before it that trends show."""
    months = months or settings.WANGGE_INDICATOR_ROLLUP_MONTHS
    return [rollup_refresh(period=period) for period in last_months(Period.current(), months)]


def rollup_refresh_stale(*, months: int | None = None) -> list[RollupRun]:
    """Rebuild the closed months of the trend whose rollup is missing or older than it may
    be shown (a new install, a restore, a night the nightly rebuild did not run), so
    dashboards do not compute them live until the next night. Cheap when all are fresh."""
    months = months or settings.WANGGE_INDICATOR_ROLLUP_MONTHS
    if max_age(Period.current().back(1)) is None:
        return []
    closed = last_months(Period.current(), months)[:-1]
    fresh = fresh_runs(closed)
    return [rollup_refresh(period=period) for period in closed if period not in fresh]


# Reading -----------------------------------------------------------------------------------


def max_age(period: Period) -> timedelta | None:
    """How old a rollup of ``period`` may be and still be shown: minutes for the running
    month, hours for closed months (whose figures still move: a case dispatched in one
    month may be resolved or rated in the next). None: rollups are switched off."""
    minutes = settings.WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES
    if not minutes:
        return None
    if period >= Period.current():
        return timedelta(minutes=minutes)
    hours = settings.WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS
    return timedelta(hours=hours)


def fresh_runs(periods: list[Period]) -> dict[Period, RollupRun]:
    """The periods whose rollup is young enough to be shown instead of live figures."""
    now = clock.now()
    runs = RollupRun.objects.filter(period__in=[p.first_day for p in periods])
    fresh = {}
    for run in runs:
        period = Period(run.period.year, run.period.month)
        age = max_age(period)
        if age is not None and run.computed_at >= now - age:
            fresh[period] = run
    return fresh


def rollup_measures(*, period: Period, sources: list[Source], paths: list[str]) -> dict:
    """{path: {"source.measure": value}} for ``paths`` (missing nodes read as zeros)."""
    result: dict[str, dict] = {path: {} for path in paths}
    for source in sources:
        for path in paths:
            for name in source.measures():
                result[path][f"{source.key}.{name}"] = 0
    rows = Rollup.objects.filter(
        period=period.first_day, source__in=[s.key for s in sources], area_path__in=paths
    ).values_list("area_path", "source", "measures")
    for path, source, measures in rows:
        for name, value in measures.items():
            result[path][f"{source}.{name}"] = value
    return result


def rollup_series(*, periods: list[Period], sources: list[Source], path: str) -> dict:
    """{period: {"source.measure": value}} of one node over several months, one query."""
    result: dict[Period, dict] = {}
    for period in periods:
        result[period] = {
            f"{source.key}.{name}": 0 for source in sources for name in source.measures()
        }
    if not periods:
        return result
    rows = Rollup.objects.filter(
        period__in=[p.first_day for p in periods],
        source__in=[s.key for s in sources],
        area_path=path,
    ).values_list("period", "source", "measures")
    for first_day, source, measures in rows:
        target = result[Period(first_day.year, first_day.month)]
        for name, value in measures.items():
            target[f"{source}.{name}"] = value
    return result


def department_rollup_measures(*, period: Period, sources: list[Source], path: str) -> dict:
    """{department id: {"source.measure": value}} inside ``path`` (zeros where missing)."""
    empty = {f"{s.key}.{name}": 0 for s in sources for name in s.measures()}
    result: dict[int, dict] = {}
    rows = DepartmentRollup.objects.filter(
        period=period.first_day, source__in=[s.key for s in sources], area_path=path
    ).values_list("department_id", "source", "measures")
    for department, source, measures in rows:
        target = result.setdefault(department, dict(empty))
        for name, value in measures.items():
            target[f"{source}.{name}"] = value
    return result
