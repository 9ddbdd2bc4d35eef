"""Set-based reports over a whole area: overdue counts per grid and compliance.

Visit compliance (care households per month, the others per quarter) and patrol
compliance (patrol days per working day) per area and per worker, computed in one SQL
pass per report from visits, patrols, assignments and the working-day calendar. The
per-household reads (windows, due lists) are in ``wangge.patrols.selectors``.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    Q,
)
from django.utils.translation import gettext as _

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.calendar import working_days
from wangge.core.errors import NotFoundOrForbidden
from wangge.core.lookups import path_successor
from wangge.patrols.cadence import (
    CARE_RANKS,
    DEFAULT_RANK,
    RANK,
    anchor_bounds,
    required_visits,
)
from wangge.patrols.models import (
    UNCOUNTED_OUTCOMES,
    GridAssignment,
    HouseholdAssignment,
    Patrol,
    Visit,
)
from wangge.patrols.periods import Period, month_of, quarter_of
from wangge.patrols.permissions import SUPERVISE_ROLES
from wangge.people.models import Cadence, Household, Resident

# Materialised-path prefix lengths (Area.steplen = 4) of each level.
PATH_LENGTH = {AreaKind.STREET: 12, AreaKind.COMMUNITY: 16, AreaKind.GRID: 20}


def active_q(on: date) -> Q:
    return Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gt=on))



def _care_rank_sql(paths: list[str], everything: bool) -> tuple[str, list]:
    """SQL for (household_id, rank): the strongest visit cadence among the care tags of
    each household's residents under ``paths`` (households without one have no row)."""
    resident = Resident._meta.db_table
    through = Resident.care_tags.through._meta.db_table
    caretag = Resident.care_tags.field.related_model._meta.db_table
    r_scope, r_params = _scope_sql("r.area_path", paths, everything)
    sql = f"""
        SELECT r.household_id AS household_id,
               MIN(CASE t.cadence WHEN %s THEN %s WHEN %s THEN %s ELSE %s END) AS rank
        FROM {through} rt
        JOIN {resident} r ON r.id = rt.resident_id
        JOIN {caretag} t ON t.id = rt.caretag_id
        WHERE {r_scope}
        GROUP BY r.household_id
    """  # noqa: S608 (table names from _meta and %s placeholders only)
    params = [
        str(Cadence.WEEKLY),
        RANK[Cadence.WEEKLY],
        str(Cadence.MONTHLY),
        RANK[Cadence.MONTHLY],
        DEFAULT_RANK,
        *r_params,
    ]
    return sql, params


def overdue_counts_by_grid(*, user, area: Area | None = None, today: date | None = None):
    """(grid, overdue households) for every grid under the user's scope (or ``area``).

    Set-based: a household is overdue when it has no completed visit since the threshold
    of its cadence (today - interval - grace) and was registered before it."""
    today = today or clock.today()
    paths = _scope_roots(user, area)
    household = Household._meta.db_table
    visit = Visit._meta.db_table
    everything = _covers_everything(paths)
    h_scope, h_params = _scope_sql("h.area_path", paths, everything)
    care_rank, care_rank_params = _care_rank_sql(paths, everything)
    uncounted = ", ".join("%s" for _ in UNCOUNTED_OUTCOMES)
    thresholds = {
        RANK[cadence]: anchor_bounds(cadence=cadence, today=today, week_end=today)["overdue"][1]
        for cadence in RANK
    }
    ranks = sorted(thresholds)

    def by_rank(values: dict) -> tuple[str, list]:
        whens = " ".join("WHEN %s THEN %s" for _ in ranks)
        params = []
        for rank in ranks:
            params += [rank, values[rank]]
        return f"CASE COALESCE(c.rank, %s) {whens} END", [DEFAULT_RANK, *params]

    midnight = {
        rank: connection.ops.adapt_datetimefield_value(
            datetime.combine(day, time(0), tzinfo=clock.LOCAL_TZ)
        )
        for rank, day in thresholds.items()
    }
    registered_before, registered_params = by_rank(midnight)
    visited_since, visited_params = by_rank(
        {rank: _date_param(day) for rank, day in thresholds.items()}
    )
    sql = f"""
        SELECT h.grid_id, COUNT(*) FROM {household} h
        LEFT JOIN ({care_rank}) c ON c.household_id = h.id
        WHERE {h_scope}
          AND h.created_at < {registered_before}
          AND NOT EXISTS (
              SELECT 1 FROM {visit} v
              WHERE v.household_id = h.id AND v.outcome NOT IN ({uncounted})
                AND v.date >= {visited_since})
        GROUP BY h.grid_id
    """  # noqa: S608 (table names from _meta and %s placeholders only)
    params = [
        *care_rank_params,
        *h_params,
        *registered_params,
        *[str(o) for o in UNCOUNTED_OUTCOMES],
        *visited_params,
    ]
    totals = dict(_run_report(sql, params))
    grids = Area.objects.filter(pk__in=list(totals)).order_by("path")
    return [(grid, totals[grid.pk]) for grid in grids]


# ---------------------------------------------------------------- compliance


@dataclass
class Figures:
    """One row of a compliance report (a worker or an area)."""

    care_due: int = 0  # weekly/monthly households, measured over the month
    care_done: int = 0
    other_due: int = 0  # quarterly households, measured over the quarter
    other_done: int = 0
    patrol_days: int = 0
    working_days: int = 0

    def add(self, other: "Figures") -> None:
        self.care_due += other.care_due
        self.care_done += other.care_done
        self.other_due += other.other_due
        self.other_done += other.other_done
        self.patrol_days += other.patrol_days
        self.working_days += other.working_days

    @staticmethod
    def _rate(done: int, due: int) -> float | None:
        return round(done * 100 / due, 1) if due else None

    @property
    def care_rate(self) -> float | None:
        return self._rate(self.care_done, self.care_due)

    @property
    def other_rate(self) -> float | None:
        return self._rate(self.other_done, self.other_due)

    @property
    def patrol_rate(self) -> float | None:
        return self._rate(self.patrol_days, self.working_days)


def _under_any(column: str, paths: list[str]) -> tuple[str, list[str]]:
    """``column`` under any of ``paths``, as index ranges (like the ``__under`` lookup)."""
    if not paths:
        return "1 = 0", []
    parts, params = [], []
    for path in paths:
        upper = path_successor(path)
        if upper is None:
            parts.append(f"{column} >= %s")
            params.append(path)
        else:
            parts.append(f"({column} >= %s AND {column} < %s)")
            params += [path, upper]
    return "(" + " OR ".join(parts) + ")", params


def _date_param(value: date):
    return connection.ops.adapt_datefield_value(value)


def _covers_everything(paths: list[str]) -> bool:
    """Whether ``paths`` cover the whole tree: the empty prefix (the city-wide rollup's)
    or every root. Then the queries drop the scope (a city's visits need no semi-join
    with a million households: a third of the rollup's compliance statement)."""
    if "" in paths:
        return True
    roots = set(Area.objects.filter(depth=1).values_list("path", flat=True))
    return bool(roots) and roots <= set(paths)


def _scope_sql(column: str, paths: list[str], everything: bool) -> tuple[str, list[str]]:
    return ("1 = 1", []) if everything else _under_any(column, paths)


def _run_report(sql: str, params: list) -> list[tuple]:
    """Run one reporting query. On PostgreSQL without JIT (compiling costs seconds and
    saves nothing on these plans) and with room to hash a city's households in memory."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            # A city's households hashed in memory rather than spilled to disk.
            work_mem = settings.WANGGE_REPORT_WORK_MEM
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _household_periods_sql(*, paths: list[str], month: Period, quarter: Period):
    """SQL for (household_id, grid_id, rank, in_month, in_quarter) of the households
    under ``paths``: their strongest cadence and completed visits in each period, from
    one pass over the visits of both periods.

    The households, their care tags and their visits are three index ranges put together
    with UNION ALL and one GROUP BY, not joins: the planner misjudges how many rows a
    path range holds (one instead of thousands), and a join of the aggregates then
    became a nested loop that took seconds for a street."""
    everything = _covers_everything(paths)
    household = Household._meta.db_table
    visit = Visit._meta.db_table
    h_scope, h_params = _scope_sql("h.area_path", paths, everything)
    care_rank, care_rank_params = _care_rank_sql(paths, everything)
    visit_scope, s_params = "", []
    if not everything:
        s_scope, s_params = _under_any("hs.area_path", paths)
        visit_scope = f"AND v.household_id IN (SELECT hs.id FROM {household} hs WHERE {s_scope})"  # noqa: S608
    uncounted = ", ".join("%s" for _ in UNCOUNTED_OUTCOMES)
    sql = f"""
        SELECT u.household_id, MAX(u.grid_id) AS grid_id, COALESCE(MIN(u.rank), %s) AS rank,
               SUM(u.in_month) AS in_month, SUM(u.in_quarter) AS in_quarter
        FROM (
            SELECT h.id AS household_id, h.grid_id AS grid_id, CAST(NULL AS INTEGER) AS rank,
                   0 AS in_month, 0 AS in_quarter, 1 AS in_scope
            FROM {household} h
            WHERE {h_scope}
            UNION ALL
            SELECT cr.household_id, NULL, cr.rank, 0, 0, 0 FROM ({care_rank}) cr
            UNION ALL
            SELECT v.household_id, NULL, NULL,
                   CASE WHEN v.date >= %s AND v.date <= %s THEN 1 ELSE 0 END,
                   CASE WHEN v.date >= %s AND v.date <= %s THEN 1 ELSE 0 END, 0
            FROM {visit} v
            WHERE v.date >= %s AND v.date <= %s AND v.outcome NOT IN ({uncounted})
              {visit_scope}
        ) u
        GROUP BY u.household_id
        HAVING MAX(u.in_scope) = 1
    """  # noqa: S608 (table names from _meta and %s placeholders only)
    params = [
        DEFAULT_RANK,
        *h_params,
        *care_rank_params,
        _date_param(month.start),
        _date_param(month.end),
        _date_param(quarter.start),
        _date_param(quarter.end),
        _date_param(min(month.start, quarter.start)),
        _date_param(max(month.end, quarter.end)),
        *[str(o) for o in UNCOUNTED_OUTCOMES],
        *s_params,
    ]
    return sql, params


def visit_compliance_rows(*, paths: list[str], month: Period, quarter: Period) -> list[tuple]:
    """(grid_id, rank, households, compliant) for the households under ``paths``.

    A household is compliant when its completed visits in its measuring period (the month
    for care groups, the quarter otherwise) reach what its cadence requires."""
    inner, params = _household_periods_sql(paths=paths, month=month, quarter=quarter)
    weekly_required = required_visits(rank=RANK[Cadence.WEEKLY], period_days=month.days)
    sql = f"""
        SELECT hp.grid_id, hp.rank, COUNT(*) AS households,
               SUM(CASE WHEN hp.rank = %s AND hp.in_month >= %s THEN 1
                        WHEN hp.rank = %s AND hp.in_month >= 1 THEN 1
                        WHEN hp.rank = %s AND hp.in_quarter >= 1 THEN 1
                        ELSE 0 END) AS compliant
        FROM ({inner}) hp
        GROUP BY hp.grid_id, hp.rank
    """  # noqa: S608
    return _run_report(
        sql,
        [
            RANK[Cadence.WEEKLY],
            weekly_required,
            RANK[Cadence.MONTHLY],
            RANK[Cadence.QUARTERLY],
            *params,
        ],
    )


def _grid_figures(
    *, paths: list[str], today: date, month: Period, quarter: Period
) -> dict[int, Figures]:
    figures: dict[int, Figures] = {}
    for grid_id, rank, households, compliant in visit_compliance_rows(
        paths=paths, month=month, quarter=quarter
    ):
        row = figures.setdefault(grid_id, Figures())
        if rank in CARE_RANKS:
            row.care_due += households
            row.care_done += int(compliant or 0)
        else:
            row.other_due += households
            row.other_done += int(compliant or 0)
    return figures


def _patrol_days_by_grid(*, paths: list[str], days: list[date]) -> dict[int, int]:
    if not days or not paths:
        return {}
    condition = Q()
    if not _covers_everything(paths):
        for path in paths:
            condition |= Q(area_path__under=path)
    rows = (
        Patrol.objects.filter(condition, date__in=days)
        .order_by()
        .values("grid_id")
        .annotate(total=Count("date", distinct=True))
    )
    return {row["grid_id"]: row["total"] for row in rows}


def staffed_grid_ids(*, paths: list[str], start: date, end: date) -> set[int]:
    """Grids with a worker assigned at some point of [start, end]: only their working days
    count towards patrol compliance (an unstaffed grid is a staffing gap, shown by the
    grid-worker count, not a worker who failed to patrol)."""
    if not paths:
        return set()
    condition = Q()
    role_condition = Q()
    if not _covers_everything(paths):
        for path in paths:
            condition |= Q(area_path__under=path)
            role_condition |= Q(area__path__under=path)
    assigned = set(
        GridAssignment.objects.filter(condition, since__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gt=start))
        .values_list("grid_id", flat=True)
        .distinct()
    )
    # A worker given the grid-worker role on a grid but no assignment yet staffs it too.
    with_role = set(
        RoleAssignment.objects.filter(role_condition, role=Role.GRID_WORKER, area__kind="grid")
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .values_list("area_id", flat=True)
        .distinct()
    )
    return assigned | with_role


def patrol_compliance_inputs(
    *, paths: list[str], month: Period, today: date
) -> tuple[list[date], dict[int, int], set[int]]:
    """The working days of ``month`` up to ``today``, patrol days per grid under
    ``paths``, and the staffed grids (assigned, given the role, or patrolled): patrol
    compliance of a grid is its patrol days over the working days, staffed grids only."""
    days = working_days(month.start, month.until(today))
    patrol_days = _patrol_days_by_grid(paths=paths, days=days)
    staffed = staffed_grid_ids(paths=paths, start=month.start, end=month.until(today))
    return days, patrol_days, staffed | set(patrol_days)


@dataclass
class AreaRow:
    area: Area
    figures: Figures


@dataclass
class ComplianceReport:
    today: date
    month: Period
    quarter: Period
    patrol_period: Period
    working_days: int
    rows: list[AreaRow]
    total: Figures


def _scope_roots(user, area: Area | None) -> list[str]:
    roots = scope_paths(user, SUPERVISE_ROLES)
    if area is None:
        return roots
    if any(area.path.startswith(root) for root in roots):
        return [area.path]
    raise NotFoundOrForbidden(_("未找到该区域"))


def compliance_by_area(
    *,
    user,
    level: str,
    area: Area | None = None,
    today: date | None = None,
    month: Period | None = None,
    quarter: Period | None = None,
) -> ComplianceReport:
    """Visit and patrol compliance rolled up to grids, communities or streets.

    Care households are measured over ``month``, others over ``quarter``; patrol
    compliance is patrol days / working days of the month up to today."""
    today = today or clock.today()
    month = month or month_of(today)
    quarter = quarter or quarter_of(today)
    paths = _scope_roots(user, area)
    per_grid = _grid_figures(paths=paths, today=today, month=month, quarter=quarter)
    days, patrol_days, staffed = patrol_compliance_inputs(paths=paths, month=month, today=today)
    condition = Q()
    for path in paths:
        condition |= Q(path__under=path)
    grid_rows = (
        list(Area.objects.filter(condition, kind=AreaKind.GRID).values_list("id", "path"))
        if paths
        else []
    )
    length = PATH_LENGTH[level]
    rolled: dict[str, Figures] = {}
    for grid_id, path in grid_rows:
        figures = rolled.setdefault(path[:length], Figures())
        figures.add(per_grid.get(grid_id, Figures()))
        figures.patrol_days += patrol_days.get(grid_id, 0)
        if grid_id in staffed:
            figures.working_days += len(days)
    areas = {a.path: a for a in Area.objects.filter(path__in=list(rolled))}
    rows = [AreaRow(areas[path], rolled[path]) for path in sorted(rolled) if path in areas]
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return ComplianceReport(today, month, quarter, month, len(days), rows, total)


@dataclass
class WorkerRow:
    worker: object
    grids: list[Area]
    figures: Figures


def _workers_in(paths: list[str], start: date, end: date) -> list[GridAssignment]:
    condition = Q()
    for path in paths:
        condition |= Q(area_path__under=path)
    return list(
        GridAssignment.objects.filter(condition, since__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gt=start))
        .select_related("worker", "grid")
        .order_by("worker_id", "since")
    )


def compliance_by_worker(
    *,
    user,
    area: Area | None = None,
    today: date | None = None,
    month: Period | None = None,
    quarter: Period | None = None,
) -> list[WorkerRow]:
    """Each worker's figures over the households they are responsible for today and their
    patrol days / working days while assigned during the month. A household of a shared grid
    not given to one worker counts for each of the grid's workers."""
    today = today or clock.today()
    month = month or month_of(today)
    quarter = quarter or quarter_of(today)
    paths = _scope_roots(user, area)
    if not paths:
        return []
    month_end = month.until(today)
    assignments = _workers_in(paths, month.start, month_end)
    if not assignments:
        return []
    worker_ids = {a.worker_id for a in assignments}

    # Households under the scope with their cadence and visits in both periods.
    condition = Q()
    for path in paths:
        condition |= Q(area_path__under=path)
    inner, params = _household_periods_sql(paths=paths, month=month, quarter=quarter)
    households = _run_report(f"SELECT * FROM ({inner}) hp", params)  # noqa: S608
    explicit = {
        household_id: (worker_id, grid_id)
        for household_id, worker_id, grid_id in HouseholdAssignment.objects.filter(
            active_q(today), household__in=Household.objects.filter(condition)
        ).values_list("household_id", "worker_id", "grid_id")
    }
    current = [a for a in assignments if a.since <= today and (a.until is None or a.until > today)]
    grid_workers: dict[int, set[int]] = {}
    for assignment in current:
        grid_workers.setdefault(assignment.grid_id, set()).add(assignment.worker_id)

    figures = {worker_id: Figures() for worker_id in worker_ids}
    weekly_required = required_visits(rank=RANK[Cadence.WEEKLY], period_days=month.days)
    for household_id, grid_id, rank, in_month, in_quarter in households:
        owner, owner_grid = explicit.get(household_id, (None, None))
        if owner_grid == grid_id and owner in grid_workers.get(grid_id, ()):
            responsible = {owner}
        else:
            responsible = grid_workers.get(grid_id, set())
        if rank in CARE_RANKS:
            required = weekly_required if rank == RANK[Cadence.WEEKLY] else 1
            done = int(in_month >= required)
        else:
            done = int(in_quarter >= 1)
        for worker_id in responsible:
            row = figures[worker_id]
            if rank in CARE_RANKS:
                row.care_due += 1
                row.care_done += done
            else:
                row.other_due += 1
                row.other_done += done

    # Patrols: distinct working days with a patrol, over the days the worker was assigned.
    days = working_days(month.start, month_end)
    spans: dict[int, list[tuple[date, date]]] = {}
    for assignment in assignments:
        last = (
            month_end
            if assignment.until is None
            else min(month_end, assignment.until - timedelta(days=1))
        )
        spans.setdefault(assignment.worker_id, []).append(
            (max(assignment.since, month.start), last)
        )
    patrolled = {}
    for worker_id, day in (
        Patrol.objects.filter(worker_id__in=worker_ids, date__in=days)
        .order_by()
        .values_list("worker_id", "date")
        .distinct()
    ):
        patrolled.setdefault(worker_id, set()).add(day)
    for worker_id, worker_spans in spans.items():
        assigned_days = {d for d in days if any(lo <= d <= hi for lo, hi in worker_spans)}
        figures[worker_id].working_days = len(assigned_days)
        figures[worker_id].patrol_days = len(patrolled.get(worker_id, set()) & assigned_days)

    grids_of: dict[int, list[Area]] = {}
    workers = {}
    for assignment in assignments:
        workers[assignment.worker_id] = assignment.worker
        if assignment in current:
            grids_of.setdefault(assignment.worker_id, []).append(assignment.grid)
    rows = [
        WorkerRow(workers[worker_id], grids_of.get(worker_id, []), figures[worker_id])
        for worker_id in sorted(worker_ids, key=lambda w: (str(workers[w]), w))
    ]
    return rows
