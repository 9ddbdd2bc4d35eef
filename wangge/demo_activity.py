"""A lived-in history for the demo city: about three months of cases, patrols and visits.

``activity_generate`` runs a small discrete-event simulation over the populated grids of a
city made by ``wangge.citygen``. Every record is written by the real services —
``case_report``, ``case_transition``, ``case_evaluate``, the ``summons_*`` services,
``cases_close_after_followup``, ``grid_assign``, ``patrol_start``/``patrol_end``,
``patrol_finding_report`` and ``visit_record`` — so the workflow table, the permissions,
the timeline events, the audit rows and the derived figures are exactly what real use
would leave behind.

Time: the clock is patched, not the rows backdated. Each story (a case's life, a
worker's patrols, a household's visits, the nightly follow-up job) is a generator that
yields the instant of its next step; one priority queue runs every step in time order
with ``wangge.core.clock.now`` (and ``django.utils.timezone.now``, for ``auto_now_add``
columns) returning that instant. Backdating afterwards would leave deadlines, working-day
SLA maths, case numbers (dated by the day of report), visit windows and timings, the
patrols' 30-day backdating limit, and the audit trail all computed from the generation
moment; with the clock patched they are computed the way they would have been on the
day. No module imports ``now`` by name (``from wangge.core import clock`` everywhere), so
patching the module attribute reaches every service. Steps that would fall after "now"
are simply not run: the cases reported last are still open, a slow department's case is
overdue now, a patrol started this morning may still be running.

Two things are set up directly, because no service writes them and the history needs
them: households (and their residents) are registered some weeks before the history
starts (``created_at`` is the anchor of a never-visited household's window; the city
generator registers everyone "now"), and, when the routing table is empty, a small
city-wide routing table sends street-scene categories to the city departments (so
communities accept and dispatch those cases and the streets handle the rest).

Deterministic for a seed and an end instant: every decision comes from a
``random.Random`` seeded with the seed and the story's name. With ``WANGGE_DEMO`` on, the
demo accounts (``wangge.accounts.demo``) are ensured first and take part: the demo grid
worker patrols and visits their grid (with a few households due today and overdue), the
demo community, street and department staff take most of the actions in their units.
A share of the reports is concentrated in the demo street and grid, and that street's
units work a little slower (intake waits, the grid worker checks fixes on a round every
few days), so whenever the demo is opened its work lists hold something to do.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.areas.models import Area, AreaKind, Building
from wangge.cases.models import (
    Case,
    Category,
    Evaluation,
    Priority,
    RoutingRule,
    Satisfaction,
    Source,
    Status,
    Summons,
)
from wangge.cases.services import (
    ACTIVE_STATUSES,
    SUMMONS_STATUSES,
    case_evaluate,
    case_report,
    case_route,
    case_transition,
    cases_close_after_followup,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.core import clock
from wangge.core.calendar import exceptions_between, is_workday
from wangge.core.errors import ApplicationError
from wangge.core.refcache import refcache_clear_all
from wangge.patrols.cadence import window_from
from wangge.patrols.models import (
    UNCOUNTED_OUTCOMES,
    Duty,
    Patrol,
    PatrolFinding,
    Visit,
    VisitMode,
    VisitOutcome,
)
from wangge.patrols.selectors import with_window_fields
from wangge.patrols.services import (
    grid_assign,
    patrol_end,
    patrol_finding_report,
    patrol_start,
    visit_record,
)
from wangge.people.models import Cadence, Household, Resident

LOCAL_TZ = clock.LOCAL_TZ
DEFAULT_DAYS = 91
DEMO_USERNAMES = ("gridworker", "community", "street", "department", "district", "resident")
# Cases reported on their own (not found on patrol or raised on a visit), per populated
# grid and day, kept within these bounds per day for the whole city.
CASES_PER_GRID_DAY = 0.05
CASES_PER_DAY_BOUNDS = (0.5, 3.0)
FINDING_PER_PATROL = 0.035
# Share of the cases reported on their own that lands in each part of the demo's scope.
FOCUS_WEIGHTS = {"grid": 0.15, "community": 0.05, "street": 0.15, "district": 0.25, "city": 0.40}

# Street-scene categories go to city departments (abbreviations as in citygen); community
# matters (S…) have no rule, so the street accepts them and hands them to the community.
DEMO_ROUTES = (
    ("E01", "CG"),
    ("E02", "CG"),
    ("E04", "CG"),
    ("C03", "CG"),
    ("C0103", "CG"),
    ("E03", "ZJ"),
    ("C04", "ZJ"),
    ("C0104", "ZJ"),
    ("C0101", "SW"),
    ("C0102", "SW"),
    ("E0502", "SW"),
    ("C0105", "GD"),
    ("C0106", "RQ"),
    ("E0503", "RQ"),
    ("C02", "JT"),
    ("C0201", "GA"),
    ("E05", "YJ"),
)
# Where a street sends unrouted categories (by top-level code): (level, abbreviation).
STREET_CHOICES = {
    "S03": [("district", "MZ"), ("city", "MZ")],
    "S05": [("city", "YJ"), ("district", "ZJ")],
}
# A returned case goes to the district's counterpart (or the district's 城管 if none).
DISTRICT_ABBRS = ("CG", "ZJ", "GA", "MZ", "SJ")

# Grid workers' habits: share of working days patrolled, of rest days patrolled. Visits
# follow the same profile (``_visit_dates``): diligent workers call within the window,
# lagging ones late or much later.
PROFILES = {
    "diligent": (0.96, 0.10),
    "average": (0.85, 0.04),
    "lagging": (0.55, 0.0),
}

# ---------------------------------------------------------------- texts

DESCRIPTIONS = {
    "C01": ["{place}附近{name}，存在安全隐患，请尽快处理。", "{place}{name}，居民出行不便。"],
    "C02": ["{place}路口{name}，影响车辆通行。", "{place}门前道路{name}，雨天积水严重。"],
    "C03": ["{place}周边{name}，影响环境。", "{place}绿化带{name}，多日无人管理。"],
    "C04": ["{place}有{name}情况，群众反映强烈。", "{place}发现{name}，请相关部门核查。"],
    "E01": ["{place}楼下{name}，气味较大。", "{place}附近{name}多日无人清理。"],
    "E02": ["{place}单元门口{name}，影响市容。", "{place}临街墙面{name}较多。"],
    "E03": ["{place}附近工地{name}，夜间仍在施工。", "{place}周边{name}，居民意见较大。"],
    "E04": ["{place}门口{name}，占用人行道。", "{place}附近{name}，影响通行。"],
    "E05": ["{place}发生{name}，请立即处置！", "{place}附近{name}，现场已设置警示。"],
    "S01": ["{place}居民反映{name}问题，希望协调解决。", "{place}{name}，物业迟迟未处理。"],
    "S02": ["{place}住户之间{name}，需要调解。", "{place}居民反映{name}，多次沟通未果。"],
    "S03": ["{place}居民家庭困难，咨询{name}。", "{place}一户居民申请{name}。"],
    "S04": ["{place}老人需要{name}。", "{place}居民咨询{name}事宜。"],
    "S05": ["{place}存在{name}，请及时排除。", "{place}{name}，有安全风险。"],
}
RESULTS = [
    "已安排人员到场处置，问题已解决。",
    "已完成维修，现场恢复正常。",
    "已协调相关单位处理完毕，并向群众反馈。",
    "已清理完毕，后续纳入日常巡查。",
    "经协调，双方达成一致，问题已化解。",
]
REJECT_REASONS = [
    "重复上报，已合并至此前案件办理。",
    "经现场核实，问题不存在。",
    "经核实不属于本辖区，已告知上报人。",
]
RETURN_REASONS = ["经核实不属于本单位职责范围，请重新派遣。", "该问题涉及产权单位，非本单位职责。"]
ESCALATE_REASONS = ["社区协调无果，提请街道处理。", "部门退回，需街道协调派遣。"]
SUPERVISE_NOTES = ["已超过办理时限，请加快办理并及时反馈。", "群众多次催办，请尽快办结。"]
VERIFY_FAIL_NOTES = ["现场核查问题仍未解决，请返工。", "处置不彻底，仍有残留，请重新处理。"]
COMMENTS = {
    Satisfaction.SATISFIED: ["处理及时，非常满意。", "感谢网格员和工作人员！", ""],
    Satisfaction.BASIC: ["基本解决，希望以后更快一些。", ""],
    Satisfaction.UNSATISFIED: ["问题没有彻底解决。", "处理太慢，不满意。"],
}
VISIT_NOTES = {
    VisitOutcome.NORMAL: ["家中情况正常。", "身体状况良好，生活正常。", "了解近况，无特殊需求。"],
    VisitOutcome.NEEDS: ["居民提出诉求，已登记上报。"],
    VisitOutcome.ABNORMAL: ["老人身体不适，已联系家属。", "发现房屋漏水，已提醒注意安全。"],
    VisitOutcome.NOT_MET: ["家中无人，改日再访。", "敲门无人应答。"],
}
NEEDS = [
    ("S0301", "家庭收入下降，咨询低保申请条件。"),
    ("S0402", "独居老人希望参加社区助餐。"),
    ("S0403", "老人行动不便，申请居家养老上门服务。"),
    ("S0102", "楼道照明损坏，希望尽快维修。"),
    ("S0501", "楼道堆放杂物，存在消防隐患。"),
    ("S0303", "残疾人家庭咨询辅具申领。"),
]
PATROL_NOTES = ["巡查网格内道路、楼院，未发现异常。", "巡查重点区域，宣传安全知识。", ""]
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

FINDING_GROUPS = ("E01", "E02", "E03", "E04", "C01", "C02", "C03", "S05")


@dataclass
class ActivityStats:
    skipped: bool = False
    days: int = 0
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    patrols: int = 0
    findings: int = 0
    visits: int = 0
    visit_needs: int = 0
    summonses: int = 0
    evaluations: int = 0
    routing_rules: int = 0
    grid_assignments: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    seconds: float = 0.0


def activity_exists() -> bool:
    return Case.objects.exists() or Patrol.objects.exists() or Visit.objects.exists()


def activity_generate(
    *,
    seed: int,
    days: int = DEFAULT_DAYS,
    until: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ActivityStats:
    """Write ``days`` days of activity ending at ``until`` (default: now) into the city.

    Does nothing (``skipped``) if any case, patrol or visit exists already. Everything is
    written in one transaction."""
    if not 7 <= days <= 366:
        raise ApplicationError("天数须在 7 到 366 之间", field="days")
    stats = ActivityStats(days=days)
    if activity_exists():
        stats.skipped = True
        return stats
    if not Household.objects.exists():
        raise ApplicationError("还没有演示城市：请先运行 generate_city", code="empty")
    started = time.perf_counter()
    say = progress or (lambda message: None)
    if settings.WANGGE_DEMO:
        from wangge.accounts.demo import demo_accounts_ensure

        demo_accounts_ensure()
    until = until or clock.now()
    with transaction.atomic():
        world = _World(seed=seed, days=days, until=until, stats=stats, say=say)
        world.prepare()
        world.run()
    stats.cases = Case.objects.count()
    stats.by_status = dict(
        Case.objects.order_by().values_list("status").annotate(n=Count("id")).order_by("status")
    )
    stats.by_source = dict(
        Case.objects.order_by().values_list("source").annotate(n=Count("id")).order_by("source")
    )
    stats.patrols = Patrol.objects.count()
    stats.findings = PatrolFinding.objects.count()
    stats.visits = Visit.objects.count()
    stats.summonses = Summons.objects.count()
    stats.evaluations = Evaluation.objects.count()
    _refresh_rollups_if_any()
    stats.seconds = time.perf_counter() - started
    return stats


def _refresh_rollups_if_any() -> None:
    """Precomputed dashboard figures made before the history would hide it: rebuild them."""
    from wangge.indicators.models import RollupRun
    from wangge.indicators.rollups import rollup_refresh_recent

    if RollupRun.objects.exists():
        rollup_refresh_recent()


# ---------------------------------------------------------------- the simulation

Story = Generator[datetime, None, None]


@dataclass
class _Directory:
    """Who holds which role where, as shared ``User`` objects (their permission caches
    are filled once)."""

    by_area: dict[tuple[str, str], list[User]]
    by_department: dict[int, list[User]]
    demo: set[int]

    @classmethod
    def load(cls) -> _Directory:
        users: dict[int, User] = {}
        by_area: dict[tuple[str, str], list[User]] = defaultdict(list)
        by_department: dict[int, list[User]] = defaultdict(list)
        rows = (
            RoleAssignment.objects.filter(user__is_active=True)
            .select_related("user", "area")
            .order_by("id")
        )
        for row in rows:
            user = users.setdefault(row.user_id, row.user)
            if row.area_id is not None:
                by_area[(row.role, row.area.path)].append(user)
            if row.department_id is not None:
                by_department[row.department_id].append(user)
        demo = {u.pk for u in users.values() if u.username in DEMO_USERNAMES}
        return cls(by_area, by_department, demo)

    def pick(self, users: list[User], rng: random.Random) -> User | None:
        """A demo account takes most of the actions of its unit, a colleague the rest."""
        if not users:
            return None
        demo = [u for u in users if u.pk in self.demo]
        if demo and rng.random() < 0.65:
            return demo[0]
        others = [u for u in users if u.pk not in self.demo] or users
        return rng.choice(others)


class _World:
    def __init__(self, *, seed, days, until, stats, say):
        self.seed = seed
        self.until = until
        self.today = until.astimezone(LOCAL_TZ).date()
        self.start_day = self.today - timedelta(days=days)
        self.start = datetime.combine(self.start_day, clock_time(0), tzinfo=LOCAL_TZ)
        self.stats = stats
        self.say = say
        self.now = self.start
        self.queue: list[tuple[datetime, int, Story]] = []
        self.order = itertools.count()

    # ------------------------------------------------------------ set-up

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(["wangge-activity", str(self.seed), *map(str, parts)]))

    def prepare(self) -> None:
        self.workdays = exceptions_between(
            self.start_day - timedelta(days=40), self.today + timedelta(days=120)
        )
        self.categories = {c.code: c for c in Category.objects.filter(active=True)}
        self.category = {c.pk: c for c in self.categories.values()}
        self.leaves: dict[str, list[Category]] = defaultdict(list)
        for category in sorted(self.categories.values(), key=lambda c: c.code):
            if len(category.code) > 3:
                self.leaves[category.code[:3]].append(category)
        # Every node without its polygon: cases name their units by id.
        nodes = list(Area.objects.only("id", "path", "depth", "kind", "code", "name"))
        self.node = {a.pk: a for a in nodes}
        self.node_at = {a.path: a for a in nodes}
        self.departments = {d.code: d for d in Department.objects.select_related("area")}
        self.department = {d.pk: d for d in self.departments.values()}
        self.city = Area.objects.filter(kind=AreaKind.CITY).order_by("path").first()
        self.stats.routing_rules = self._routing_ensure()
        self._focus()
        self.populated = list(
            Area.objects.filter(kind=AreaKind.GRID, households__isnull=False)
            .defer("polygon")
            .distinct()
            .order_by("path")
        )
        self.buildings: dict[int, list[tuple[str, float, float]]] = defaultdict(list)
        grid_ids = {g.pk for g in self.populated} | {g.pk for g in self.focus_grids}
        for grid_id, address, lat, lng in Building.objects.filter(grid_id__in=grid_ids).values_list(
            "grid_id", "address", "lat", "lng"
        ):
            self.buildings[grid_id].append((address, lat, lng))
        self.people = _Directory.load()
        with self.at(self.start):
            self._assign_workers()
        self.say(
            f"  {len(self.populated)} 个有住户的网格，"
            f"{sum(len(w) for w in self.workers.values())} 名网格员在岗"
        )

    def _focus(self) -> None:
        """The demo accounts' units (the first district, street, community and grid)."""
        district = Area.objects.filter(depth=2).order_by("path").first()
        street = Area.objects.filter(depth=3, path__startswith=district.path).order_by("path")[0]
        community = Area.objects.filter(depth=4, path__startswith=street.path).order_by("path")[0]
        grid = Area.objects.filter(depth=5, path__startswith=community.path).order_by("path")[0]
        self.focus = {"district": district, "street": street, "community": community, "grid": grid}
        self.focus_grids = list(
            Area.objects.filter(kind=AreaKind.GRID, path__startswith=street.path)
            .defer("polygon")
            .order_by("path")
        )

    def _routing_ensure(self) -> int:
        if RoutingRule.objects.exists() or self.city is None:
            return 0
        rules = []
        for code, abbr in DEMO_ROUTES:
            category = self.categories.get(code)
            department = self.departments.get(f"{self.city.code}-{abbr}")
            if category is not None and department is not None:
                rules.append(
                    RoutingRule(category=category, area=self.city, handler_department=department)
                )
        RoutingRule.objects.bulk_create(rules)
        refcache_clear_all()  # bulk_create sends no signal
        return len(rules)

    def _assign_workers(self) -> None:
        """The communities put each populated grid's workers on it when the history starts."""
        self.workers: dict[int, list[User]] = {}
        self.profile: dict[int, str] = {}
        for grid in self.populated:
            community_path = grid.path[: 4 * 4]
            staff = self.people.by_area.get((Role.COMMUNITY_STAFF, community_path), [])
            street_staff = self.people.by_area.get((Role.STREET_STAFF, grid.path[:12]), [])
            assigner = (staff or street_staff or [None])[0]
            workers = sorted(
                self.people.by_area.get((Role.GRID_WORKER, grid.path), []),
                key=lambda u: (u.pk not in self.people.demo, u.pk),
            )
            if assigner is None or not workers:
                continue
            for worker in workers:
                grid_assign(actor=assigner, worker=worker, grid=grid, since=self.start_day)
                self.stats.grid_assignments += 1
                rng = self.rng("profile", worker.username)
                if worker.pk in self.people.demo:
                    profile = "diligent"
                elif grid.pk == self.focus["grid"].pk:
                    profile = "lagging"  # the demo worker's colleague lags behind
                else:
                    roll = rng.random()
                    profile = "diligent" if roll < 0.55 else "average" if roll < 0.85 else "lagging"
                self.profile[worker.pk] = profile
            self.workers[grid.pk] = workers

    # ------------------------------------------------------------ the clock

    def at(self, instant: datetime):
        self.now = instant
        return _PatchedClock(self)

    def current(self) -> datetime:
        return self.now

    def spawn(self, instant: datetime, story: Story) -> None:
        if instant > self.until:
            story.close()
            return
        heapq.heappush(self.queue, (max(instant, self.now), next(self.order), story))

    def run(self) -> None:
        self._registration()
        self._plan_visits()
        self._plan_patrols()
        self._plan_cases()
        self.spawn(self.start + timedelta(days=1, hours=3), self._nightly())
        steps = 0
        with _PatchedClock(self):
            while self.queue:
                instant, _, story = heapq.heappop(self.queue)
                self.now = instant
                try:
                    following = next(story)
                except StopIteration:
                    continue
                except ApplicationError as exc:
                    self._refused(exc)
                    continue
                self.spawn(following, story)
                steps += 1
                if steps % 5000 == 0:
                    self.say(f"  {instant.astimezone(LOCAL_TZ):%Y-%m-%d} · 已执行 {steps} 步")

    def _refused(self, exc: ApplicationError) -> None:
        self.stats.refused += 1
        if len(self.stats.refusals) < 20:
            self.stats.refusals.append(f"{self.now:%Y-%m-%d %H:%M} {exc.message}")

    # ------------------------------------------------------------ time helpers

    def workday(self, day: date) -> bool:
        return is_workday(day, self.workdays)

    def local(self, day: date, hour: float) -> datetime:
        return datetime.combine(day, clock_time(0), tzinfo=LOCAL_TZ) + timedelta(hours=hour)

    def office(self, instant: datetime, rng: random.Random) -> datetime:
        """The first office moment (08:30–17:30 on a working day) at or after ``instant``."""
        local = instant.astimezone(LOCAL_TZ)
        day = local.date()
        for _ in range(60):
            if self.workday(day):
                opens, closes = self.local(day, 8.5), self.local(day, 17.5)
                if local <= opens:
                    return opens + timedelta(minutes=rng.randint(0, 50))
                if local <= closes:
                    return local
            day += timedelta(days=1)
            local = self.local(day, 0)
        return instant

    def later(
        self, rng: random.Random, low_hours: float, high_hours: float, *, office: bool = True
    ) -> datetime:
        instant = self.now + timedelta(hours=rng.uniform(low_hours, high_hours))
        return self.office(instant, rng) if office else instant

    # ------------------------------------------------------------ households and visits

    def _registration(self) -> None:
        """Households were registered before the history starts (one cadence interval or
        less before it, so each one's first visit falls inside the history); a few of the
        demo grid's are placed so that they are due today or overdue now."""
        rows = list(
            with_window_fields(Household.objects.filter(grid__in=self.populated))
            .order_by("id")
            .values_list("id", "grid_id", "cadence_rank")
        )
        rank_cadence = {1: Cadence.WEEKLY, 2: Cadence.MONTHLY, 3: Cadence.QUARTERLY}
        self.households: list[tuple[int, int, str, date, str]] = []
        forced = iter([0, 3, 6, 14, 24])  # due today ×3, overdue ×2 (days past the due date)
        demo_grid = self.focus["grid"].pk
        by_day: dict[date, list[int]] = defaultdict(list)
        for household_id, grid_id, rank in rows:
            cadence = rank_cadence[rank]
            interval = window_from(cadence=cadence, anchor=self.start_day).due - self.start_day
            rng = self.rng("household", household_id)
            mode = "plan"
            registered = self.start_day - timedelta(days=rng.randrange(interval.days))
            if grid_id == demo_grid and cadence == Cadence.QUARTERLY:
                late = next(forced, None)
                if late is not None:
                    registered = self.today - interval - timedelta(days=late)
                    mode = "wait"
            self.households.append((household_id, grid_id, cadence, registered, mode))
            by_day[registered].append(household_id)
        for day, ids in sorted(by_day.items()):
            stamp = self.local(day, 9)
            Household.objects.filter(pk__in=ids).update(created_at=stamp, updated_at=stamp)
            Resident.objects.filter(household_id__in=ids).update(created_at=stamp, updated_at=stamp)

    def _plan_visits(self) -> None:
        for household_id, grid_id, cadence, registered, mode in self.households:
            workers = self.workers.get(grid_id)
            if not workers or mode == "wait":
                continue
            rng = self.rng("visits", household_id)
            worker = workers[0] if len(workers) == 1 or rng.random() < 0.7 else workers[1]
            dates = self._visit_dates(cadence, registered, self.profile[worker.pk], rng)
            if dates:
                self.spawn(
                    dates[0][0], self._household_visits(household_id, cadence, worker, dates, rng)
                )

    def _visit_dates(
        self, cadence: str, registered: date, profile: str, rng: random.Random
    ) -> list[tuple[datetime, str]]:
        """When the household's worker calls, and with what outcome."""
        visits = []
        anchor = registered
        while True:
            window = window_from(cadence=cadence, anchor=anchor)
            roll = rng.random()
            if profile == "diligent":
                day = window.earliest + timedelta(
                    days=rng.randint(0, (window.due - window.earliest).days + 1)
                )
            elif profile == "average" and roll < 0.85:
                day = window.earliest + timedelta(
                    days=rng.randint(0, (window.latest - window.earliest).days)
                )
            elif profile == "lagging" and roll < 0.5:
                day = window.due + timedelta(days=rng.randint(0, (window.latest - window.due).days))
            else:
                day = window.latest + timedelta(
                    days=rng.randint(1, 12 if profile != "lagging" else 35)
                )
            day = max(day, self.start_day)
            if not self.workday(day) and rng.random() < 0.85:
                while not self.workday(day):
                    day += timedelta(days=1)
            if day > self.today:
                return visits
            outcome = self._visit_outcome(cadence, rng)
            visits.append((self.local(day, rng.uniform(9, 17)), outcome))
            if outcome in UNCOUNTED_OUTCOMES:
                retry = day + timedelta(days=rng.randint(1, 3))
                if retry > self.today:
                    return visits
                visits.append((self.local(retry, rng.uniform(9, 17)), VisitOutcome.NORMAL))
                day = retry
            anchor = day

    @staticmethod
    def _visit_outcome(cadence: str, rng: random.Random) -> str:
        care = cadence != Cadence.QUARTERLY
        roll = rng.random()
        if roll < (0.06 if care else 0.02):
            return VisitOutcome.NEEDS
        if roll < (0.10 if care else 0.05):
            return VisitOutcome.ABNORMAL
        if roll < (0.17 if care else 0.12):
            return VisitOutcome.NOT_MET
        return VisitOutcome.NORMAL

    def _household_visits(
        self, household_id: int, cadence: str, worker: User, dates, rng: random.Random
    ) -> Story:
        care = cadence != Cadence.QUARTERLY
        for index, (instant, outcome) in enumerate(dates):
            if index:
                yield instant
            if outcome == VisitOutcome.NOT_MET:
                mode = VisitMode.IN_PERSON
            elif care:
                mode = rng.choices(
                    [VisitMode.IN_PERSON, VisitMode.PHONE, VisitMode.VIDEO], [80, 15, 5]
                )[0]
            else:
                mode = rng.choices(
                    [VisitMode.IN_PERSON, VisitMode.PHONE, VisitMode.THIRD_PARTY, VisitMode.VIDEO],
                    [65, 25, 7, 3],
                )[0]
            needs = []
            if outcome == VisitOutcome.NEEDS:
                code, text = rng.choice(NEEDS)
                needs = [{"category_id": self.categories[code].pk, "description": text}]
            changes = {}
            if outcome == VisitOutcome.ABNORMAL or rng.random() < 0.02:
                changes = rng.choice(
                    [
                        {"residence_status": "外出务工，暂不在家居住"},
                        {"members": "实住人数减少一人"},
                        {"other": "新增一名租住人员"},
                    ]
                )
            visit = visit_record(
                actor=worker,
                household_id=household_id,
                mode=mode,
                outcome=outcome,
                notes=rng.choice(VISIT_NOTES[VisitOutcome(outcome)]),
                duty=(
                    rng.choice([Duty.ASSISTANCE, Duty.RESIDENT_SERVICE])
                    if care
                    else rng.choice(
                        [
                            Duty.RESIDENT_SERVICE,
                            Duty.SOCIAL_SECURITY,
                            Duty.GOVERNANCE,
                            Duty.PUBLICITY,
                        ]
                    )
                ),
                needs=needs,
                changes=changes,
            )
            for need in visit.needs.all() if needs else ():
                self.stats.visit_needs += 1
                self._follow(
                    need.case_id, random.Random(rng.getrandbits(64)), reporter_kind="worker"
                )

    # ------------------------------------------------------------ patrols

    def _plan_patrols(self) -> None:
        for grid in self.populated:
            for worker in self.workers.get(grid.pk, []):
                rng = self.rng("patrols", worker.username)
                first = self.local(self.start_day, 8 + rng.random())
                self.spawn(first, self._patrols(worker, grid, rng))

    def _patrols(self, worker: User, grid: Area, rng: random.Random) -> Story:
        rate, weekend = PROFILES[self.profile[worker.pk]]
        day = self.start_day
        while day <= self.today:
            goes = rng.random() < (rate if self.workday(day) else weekend)
            begin = self.local(day, rng.uniform(8, 10))
            day += timedelta(days=1)
            if not goes:
                continue
            yield begin
            ref = f"demo-{begin:%Y%m%d}-{worker.pk}"
            duties = rng.sample(
                [Duty.SOCIAL_SECURITY, Duty.GOVERNANCE, Duty.RESIDENT_SERVICE, Duty.EMERGENCY], 2
            )
            patrol_start(actor=worker, grid_id=grid.pk, client_ref=ref, duties=duties)
            length = timedelta(hours=rng.uniform(1, 3))
            if rng.random() < FINDING_PER_PATROL:
                yield begin + length * rng.uniform(0.2, 0.8)
                self._finding(worker, grid, ref, rng)
            yield begin + length
            points = []
            for k in range(5):
                lat, lng = self._point(grid, rng)
                at = begin + length * (k / 4)
                points.append({"lat": lat, "lng": lng, "at": at.isoformat()})
            patrol_end(actor=worker, client_ref=ref, points=points, notes=rng.choice(PATROL_NOTES))

    def _finding(self, worker: User, grid: Area, ref: str, rng: random.Random) -> None:
        category = rng.choice(self.leaves[rng.choice(FINDING_GROUPS)])
        place, lat, lng = self._place(grid, rng)
        case = patrol_finding_report(
            actor=worker,
            grid_id=grid.pk,
            category_id=category.pk,
            description=self._description(category, place, rng),
            patrol_ref=ref,
            duty=Duty.GOVERNANCE,
            lat=lat,
            lng=lng,
            address=place,
        )
        self._follow(case.pk, random.Random(rng.getrandbits(64)), reporter_kind="worker")

    # ------------------------------------------------------------ places and texts

    def _point(self, grid: Area, rng: random.Random) -> tuple[float, float]:
        if grid.min_lat is None:
            return 40.6, 109.9
        return (
            rng.uniform(grid.min_lat + 1e-4, grid.max_lat - 1e-4),
            rng.uniform(grid.min_lng + 1e-4, grid.max_lng - 1e-4),
        )

    def _place(self, grid: Area, rng: random.Random) -> tuple[str, float | None, float | None]:
        buildings = self.buildings.get(grid.pk)
        lat, lng = self._point(grid, rng)
        if buildings:
            address, b_lat, b_lng = rng.choice(buildings)
            if b_lat is not None and grid.min_lat is not None:
                lat = min(max(b_lat, grid.min_lat + 1e-5), grid.max_lat - 1e-5)
                lng = min(max(b_lng, grid.min_lng + 1e-5), grid.max_lng - 1e-5)
            return address[:120], lat, lng
        return grid.name, lat, lng

    @staticmethod
    def _description(category: Category, place: str, rng: random.Random) -> str:
        template = rng.choice(DESCRIPTIONS.get(category.code[:3], ["{place}{name}。"]))
        return template.format(place=place, name=category.name)

    @staticmethod
    def _person(rng: random.Random) -> tuple[str, str]:
        name = (
            rng.choice(NAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return name, phone

    # ------------------------------------------------------------ cases reported on their own

    def _plan_cases(self) -> None:
        per_day = min(
            max(CASES_PER_GRID_DAY * len(self.populated), CASES_PER_DAY_BOUNDS[0]),
            CASES_PER_DAY_BOUNDS[1],
        )
        count = round(per_day * (self.today - self.start_day).days)
        groups = self._case_places()
        names = [name for name, grids in groups.items() if grids]
        weights = [FOCUS_WEIGHTS[name] for name in names]
        span = (self.until - self.start).total_seconds()
        for index in range(count):
            rng = self.rng("case", index)
            grid = rng.choice(groups[rng.choices(names, weights)[0]])
            instant = self.start + timedelta(seconds=rng.uniform(0, span))
            local = instant.astimezone(LOCAL_TZ)
            instant = self.local(local.date(), rng.uniform(7, 22))
            self.spawn(instant, self._reported_case(grid, rng))

    def _case_places(self) -> dict[str, list[Area]]:
        focus = self.focus
        groups: dict[str, list[Area]] = {name: [] for name in FOCUS_WEIGHTS}
        seen = set()
        for grid in self.focus_grids:
            if grid.pk == focus["grid"].pk:
                groups["grid"].append(grid)
            elif grid.path.startswith(focus["community"].path):
                groups["community"].append(grid)
            else:
                groups["street"].append(grid)
            seen.add(grid.pk)
        for grid in self.populated:
            if grid.pk in seen:
                continue
            key = "district" if grid.path.startswith(focus["district"].path) else "city"
            groups[key].append(grid)
        return groups

    def _reported_case(self, grid: Area, rng: random.Random) -> Story:
        has_worker = grid.pk in self.workers
        sources = [
            Source.RESIDENT,
            Source.HOTLINE,
            Source.DEPARTMENT,
            Source.MEETING,
            Source.OPEN311,
        ]
        weights = [40, 30, 10, 8, 4]
        if has_worker:
            sources.append(Source.GRID_WORKER)
            weights.append(8)
        source = rng.choices(sources, weights)[0]
        if source == Source.MEETING:
            group = rng.choice(["S01", "S02", "S04", "S05", "E01"])
        elif source == Source.DEPARTMENT:
            group = rng.choice(["E01", "E02", "E03", "E04", "C01", "C02", "C04"])
        elif source == Source.GRID_WORKER:
            group = rng.choice(FINDING_GROUPS)
        else:
            group = rng.choice(sorted(DESCRIPTIONS))
        category = rng.choice(self.leaves[group])
        priority = category.default_priority
        if priority == Priority.NORMAL and rng.random() < 0.1:
            priority = Priority.COMPLEX
        place, lat, lng = self._place(grid, rng)
        name, phone = self._person(rng)
        actor, anonymous = None, False
        if source == Source.MEETING:
            actor = self.people.pick(
                self.people.by_area.get((Role.COMMUNITY_STAFF, grid.path[:16]), []), rng
            )
            name, phone = "", ""
        elif source == Source.DEPARTMENT:
            department = self.departments.get(f"{self.city.code}-CG")
            actor = self.people.pick(self.people.by_department.get(department.pk, []), rng)
            name, phone = "", ""
        elif source == Source.GRID_WORKER:
            actor = self.people.pick(self.workers.get(grid.pk, []), rng)
            name, phone = "", ""
        elif source == Source.RESIDENT:
            residents = self.people.by_area.get((Role.RESIDENT, grid.path), [])
            if residents and rng.random() < 0.5:
                actor = self.people.pick(residents, rng)
                name = actor.display_name or name
            elif rng.random() < 0.15:
                anonymous, name, phone = True, "", ""
        elif source == Source.OPEN311 and rng.random() < 0.5:
            name, phone = "", ""
        case = case_report(
            actor=actor,
            category=category,
            description=self._description(category, place, rng),
            source=source,
            priority=priority,
            lat=lat,
            lng=lng,
            address=place,
            grid=grid,
            anonymous=anonymous,
            reporter_name=name,
            reporter_phone=phone,
        )
        kind = "public" if source in (Source.RESIDENT, Source.HOTLINE, Source.OPEN311) else "staff"
        yield from self._life(case.pk, rng, reporter_kind=kind)

    # ------------------------------------------------------------ a case's life

    def _follow(self, case_id: int, rng: random.Random, *, reporter_kind: str) -> None:
        story = self._life(case_id, rng, reporter_kind=reporter_kind)
        self.spawn(self.now, story)

    def _load(self, case_id: int) -> Case:
        return Case.objects.get(pk=case_id)

    def _act(self, actor: User | None, case_id: int, action: str, **params) -> Case:
        if actor is None:
            raise ApplicationError(f"没有可执行“{action}”的人员")
        return case_transition(actor=actor, case_id=case_id, action=action, **params)

    def _dispatcher(self, case: Case, rng: random.Random) -> User | None:
        area = self.node[case.dispatcher_area_id]
        role = Role.COMMUNITY_STAFF if area.depth == 4 else Role.STREET_STAFF
        return self.people.pick(self.people.by_area.get((role, area.path), []), rng)

    def _street_staff(self, case: Case, rng: random.Random) -> User | None:
        return self.people.pick(
            self.people.by_area.get((Role.STREET_STAFF, case.area_path[:12]), []), rng
        )

    def _handler(self, case: Case, rng: random.Random) -> User | None:
        if case.handler_department_id is not None:
            return self.people.pick(
                self.people.by_department.get(case.handler_department_id, []), rng
            )
        area = self.node[case.handler_area_id]
        role = {5: Role.GRID_WORKER, 4: Role.COMMUNITY_STAFF}.get(area.depth, Role.STREET_STAFF)
        return self.people.pick(self.people.by_area.get((role, area.path), []), rng)

    def _verifier(self, case: Case, rng: random.Random) -> User | None:
        if case.grid_id is not None:
            workers = self.people.by_area.get((Role.GRID_WORKER, self.node[case.grid_id].path), [])
            if workers:
                return self.people.pick(workers, rng)
        return self._dispatcher(case, rng)

    def _supervisor(self, case: Case, rng: random.Random) -> User | None:
        if rng.random() < 0.5:
            officers = self.people.by_area.get((Role.DISTRICT_OFFICER, case.area_path[:8]), [])
            if officers:
                return self.people.pick(officers, rng)
        return self._street_staff(case, rng)

    def _department(self, level: str, abbr: str, case: Case) -> Department | None:
        code = self.city.code if level == "city" else self.node_at[case.area_path[:8]].code
        return self.departments.get(f"{code}-{abbr}")

    def _unit(self, case: Case, rng: random.Random, *, instead_of=None) -> dict:
        """What the dispatcher names as handler (nothing: the routing table decides)."""
        category = self.category[case.category_id]
        routed = case_route(category=category, area_path=case.area_path)
        if instead_of is None and routed is not None:
            return {}
        group = category.code[:3]
        grid_handles = group in ("S02", "S04") and case.grid_id in self.workers
        if instead_of is None and grid_handles and rng.random() < 0.6:
            # The grid worker mediates the dispute or arranges the service.
            return {"handler_area": self.node[case.grid_id]}
        if instead_of is None and group in ("S01", "S02", "S04"):
            return {"handler_area": self.node_at[case.area_path[:16]]}
        if instead_of is None and group in STREET_CHOICES:
            department = self._department(*rng.choice(STREET_CHOICES[group]), case)
            if department is not None:
                return {"handler_department": department}
        abbr = "CG"
        previous = instead_of.code.rsplit("-", 1)[-1] if isinstance(instead_of, Department) else ""
        if previous in DISTRICT_ABBRS and instead_of.area.depth == 1:
            abbr = previous
        elif isinstance(instead_of, Department) and instead_of.area.depth == 2:
            return {"handler_department": self.departments[f"{self.city.code}-CG"]}
        elif group in ("S01", "S02", "S03", "S04"):
            abbr = "MZ"
        elif group in ("C04", "E03", "S05"):
            abbr = "ZJ"
        return {"handler_department": self._department("district", abbr, case)}

    def _fast(self, case: Case) -> bool:
        return case.priority in (Priority.URGENT, Priority.HIGH)

    def _step_after(
        self, case: Case, rng: random.Random, slow: tuple[float, float], fast=(0.05, 0.5)
    ) -> datetime:
        if self._fast(case):
            return self.later(rng, *fast, office=False)
        return self.later(rng, *slow)

    def _life(self, case_id: int, rng: random.Random, *, reporter_kind: str) -> Story:
        """From intake to closure, as far as the clock has got."""
        case = self._load(case_id)
        # The demo street's units are busier: their queues and checks wait longer, so the
        # demo accounts find work waiting whenever the demo is opened.
        busy = case.area_path.startswith(self.focus["street"].path)
        plan = self._fate(rng, reporter_kind, busy=busy)
        # Intake: the dispatcher accepts (立案) or rejects (作废), sometimes after a while.
        if plan["stall"]:
            yield self.later(rng, 30, 130)
        else:
            yield self._step_after(case, rng, (0.3, 8), (0.05, 0.4))
        case = self._load(case_id)
        if plan["reject"]:
            self._act(
                self._dispatcher(case, rng), case_id, "reject", reason=rng.choice(REJECT_REASONS)
            )
            return
        if plan["escalate"] and self.node[case.dispatcher_area_id].depth == 4:
            # 上报: the community hands it up; the street has accepted it with that.
            case = self._act(
                self._dispatcher(case, rng), case_id, "escalate", reason=ESCALATE_REASONS[0]
            )
            yield self._step_after(case, rng, (1, 20))
        elif plan["accept_first"]:
            case = self._act(self._dispatcher(case, rng), case_id, "accept")
            yield self._step_after(case, rng, (20, 90) if plan["stall"] else (0.2, 6))
        if plan["summons"]:
            self.spawn(
                self._step_after(case, rng, (0.5, 4)),
                self._summons(case_id, random.Random(rng.getrandbits(64))),
            )
        case = self._load(case_id)
        case = self._act(self._dispatcher(case, rng), case_id, "dispatch", **self._unit(case, rng))
        returned = reworked = second_round = False
        while True:
            # The handler signs for it (签收), or says it is not theirs (退回).
            if plan["late_sign"] and not second_round:
                yield self.office(case.sign_due_at + timedelta(hours=rng.uniform(1, 20)), rng)
            else:
                target = self.now + (case.sign_due_at - self.now) * rng.uniform(0.05, 0.8)
                yield target if self._fast(case) else self.office(target, rng)
            case = self._load(case_id)
            if plan["return"] and not returned:
                returned = True
                case = yield from self._return_and_redispatch(case, rng)
                continue
            handler = self._handler(case, rng)
            case = self._act(handler, case_id, "sign")
            if not second_round and not self._fast(case):
                if plan["extension"]:
                    yield from self._extension(case, handler, rng)
                if plan["suspend"]:
                    yield from self._suspension(case, handler, rng)
            # Resolution, then the check on site; a failed check sends it back (返工).
            rework = False
            while True:
                case = self._load(case_id)
                yield from self._resolve(case, plan, rng, rework=rework, first=not second_round)
                case = self._load(case_id)
                if case.grid_id == self.focus["grid"].pk and not self._fast(case):
                    # The demo grid's worker checks fixes on a round every few days.
                    yield self.later(rng, 48, 150)
                elif busy and rng.random() < 0.6:
                    yield self.later(rng, 30, 90)
                else:
                    yield self._step_after(case, rng, (4, 40), (0.3, 3))
                if plan["rework"] and not reworked:
                    reworked = rework = True
                    self._act(
                        self._verifier(case, rng),
                        case_id,
                        "verify",
                        passed=False,
                        note=rng.choice(VERIFY_FAIL_NOTES),
                    )
                    continue
                break
            # The reporter's verdict (问效), before or after the check; unsatisfied reopens.
            rating = (
                plan["rating"]
                if not second_round
                else rng.choice([Satisfaction.SATISFIED, Satisfaction.BASIC, None])
            )
            if case.private:
                rating = None  # a visit's need: no reporter holds a token to rate it with
            if rating is not None and rng.random() < 0.3:
                yield self.later(rng, 1, 20, office=False)
                case = self._evaluate(case, rating, rng)
                if case.status == Status.DISPATCHED:
                    second_round = True
                    continue
                yield self._step_after(case, rng, (1, 20), (0.2, 2))
                self._act(self._verifier(self._load(case_id), rng), case_id, "verify", passed=True)
                return
            case = self._act(self._verifier(case, rng), case_id, "verify", passed=True)
            if rating is not None:
                yield self.later(rng, 2, 96, office=False)
                case = self._evaluate(case, rating, rng)
                if case.status == Status.DISPATCHED:
                    second_round = True
                    continue
                return
            if plan["manual_close"]:
                # The dispatcher's follow-up call (回访) closes it; otherwise the nightly
                # job does when the follow-up window ends.
                yield self.later(rng, 20, 72)
                case = self._load(case_id)
                if case.status == Status.VERIFIED:
                    self._act(
                        self._dispatcher(case, rng),
                        case_id,
                        "close",
                        note="电话回访，群众认可处理结果。",
                    )
            return

    @staticmethod
    def _fate(rng: random.Random, reporter_kind: str, *, busy: bool) -> dict:
        rate_share = 0.75 if reporter_kind == "public" else 0.25
        return {
            "reject": rng.random() < 0.06,
            "stall": rng.random() < (0.25 if busy else 0.04),
            "escalate": rng.random() < 0.08,
            "return": rng.random() < 0.08,
            "summons": rng.random() < 0.08,
            "late_sign": rng.random() < 0.1,
            "extension": rng.random() < 0.05,
            "suspend": rng.random() < 0.025,
            "slow": rng.random() < 0.12,
            "stuck": rng.random() < 0.025,
            "rework": rng.random() < 0.07,
            "accept_first": rng.random() < 0.75,
            "rating": (
                rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED],
                    [66, 22, 12],
                )[0]
                if rng.random() < rate_share
                else None
            ),
            "manual_close": rng.random() < 0.4,
        }

    def _return_and_redispatch(self, case: Case, rng: random.Random):
        """退回: the handler sends it back; the dispatcher (the street, after a community
        has handed it up) sends it to another unit, sometimes only days later."""
        previous = (
            self.department[case.handler_department_id]
            if case.handler_department_id
            else self.node[case.handler_area_id]
        )
        self._act(self._handler(case, rng), case.pk, "return", reason=rng.choice(RETURN_REASONS))
        if rng.random() < 0.35:
            yield self.later(rng, 30, 200)
        else:
            yield self._step_after(case, rng, (1, 24))
        case = self._load(case.pk)
        if self.node[case.dispatcher_area_id].depth == 4:
            self._act(self._dispatcher(case, rng), case.pk, "escalate", reason=ESCALATE_REASONS[1])
            yield self.later(rng, 0.5, 8)
            case = self._load(case.pk)
        unit = self._unit(case, rng, instead_of=previous)
        return self._act(self._dispatcher(case, rng), case.pk, "dispatch", **unit)

    def _extension(self, case: Case, handler: User, rng: random.Random):
        yield self.later(rng, 2, 30)
        self._act(
            handler,
            case.pk,
            "extend_request",
            days=rng.randint(3, 10),
            reason="需协调产权单位，申请延期办理。",
        )
        yield self.later(rng, 1, 20)
        self._act(self._dispatcher(self._load(case.pk), rng), case.pk, "extend_approve")

    def _suspension(self, case: Case, handler: User, rng: random.Random):
        yield self.later(rng, 10, 60)
        self._act(
            handler, case.pk, "suspend_request", reason="涉及历史遗留问题，需纳入年度改造计划。"
        )
        yield self.later(rng, 2, 24)
        dispatcher = self._dispatcher(self._load(case.pk), rng)
        self._act(dispatcher, case.pk, "suspend")
        yield self.later(rng, 240, 900)
        self._act(dispatcher, case.pk, "resume", note="具备办理条件，恢复办理。")

    def _resolve(self, case: Case, plan: dict, rng: random.Random, *, rework: bool, first: bool):
        """办结: mostly within the deadline; a slow unit is supervised (督办) once late."""
        due = case.resolve_due_at
        if rework:
            finish = self.later(rng, 20, 90) if not self._fast(case) else self.later(rng, 1, 6)
        elif plan["stuck"] and first:
            finish = due + timedelta(days=rng.uniform(20, 60))
        elif plan["slow"] and first:
            finish = due + (due - case.dispatched_at) * rng.uniform(0.1, 0.9)
        else:
            finish = self.now + max(due - self.now, timedelta(0)) * rng.uniform(0.15, 0.85)
        if not self._fast(case):
            finish = self.office(finish, rng)
        if finish > due:
            supervise_at = due + timedelta(hours=rng.uniform(2, 30))
            if not self._fast(case):
                supervise_at = self.office(supervise_at, rng)
            if supervise_at < finish:
                yield max(supervise_at, self.now)
                if self._load(case.pk).status in ACTIVE_STATUSES:
                    self._act(
                        self._supervisor(case, rng),
                        case.pk,
                        "supervise",
                        note=rng.choice(SUPERVISE_NOTES),
                    )
        yield max(finish, self.now)
        current = self._load(case.pk)
        self._act(self._handler(current, rng), case.pk, "resolve", result=rng.choice(RESULTS))

    def _evaluate(self, case: Case, rating: str, rng: random.Random) -> Case:
        self.stats.evaluations += 1
        return case_evaluate(token=case.token, rating=rating, comment=rng.choice(COMMENTS[rating]))

    def _summons(self, case_id: int, rng: random.Random) -> Story:
        """吹哨报到: the street calls departments in, they check in, the street rates them."""
        case = self._load(case_id)
        if case.status not in SUMMONS_STATUSES:
            return
        street_staff = self._street_staff(case, rng)
        chosen = [self.departments[f"{self.city.code}-CG"]]
        other = self._department(rng.choice(["district", "city"]), rng.choice(["ZJ", "GA"]), case)
        if other is not None and rng.random() < 0.6:
            chosen.append(other)
        if rng.random() < 0.25:
            chosen = chosen[1:] or chosen
        urgent = rng.random() < 0.3
        summons = summons_issue(
            actor=street_staff,
            case_id=case_id,
            departments=chosen,
            urgent=urgent,
            reason="涉及多部门职责，需联合处置。",
        )
        issued = self.now
        plans = []
        for response in summons.responses.select_related("department").order_by("id"):
            roll = rng.random()
            if urgent:
                delay = timedelta(
                    minutes=rng.uniform(5, 25) if roll < 0.75 else rng.uniform(35, 120)
                )
                at = issued + delay
            elif roll < 0.8:
                at = self.office(issued + timedelta(hours=rng.uniform(1, 20)), rng)
            else:
                at = self.office(response.due_at + timedelta(hours=rng.uniform(2, 60)), rng)
            if rng.random() < 0.1:
                at = None  # never reports in
            plans.append((at, response))
        for at, response in sorted(plans, key=lambda p: (p[0] is None, p[0] or issued, p[1].pk)):
            if at is None:
                continue
            yield at
            handler = self.people.pick(
                self.people.by_department.get(response.department_id, []), rng
            )
            summons_check_in(actor=handler, response_id=response.pk, note="已到现场报到。")
        yield self.later(rng, 72, 200)
        for at, response in plans:
            response.refresh_from_db()
            if at is None and self.now < response.due_at + timedelta(days=2):
                continue
            if at is None:
                stars = 1
            elif at <= response.due_at:
                stars = rng.choice([4, 5, 5])
            else:
                stars = rng.choice([2, 3])
            summons_rate(actor=street_staff, response_id=response.pk, rating=stars)

    def _nightly(self) -> Story:
        """The scheduled job: verified cases whose follow-up window ended are closed."""
        while True:
            cases_close_after_followup()
            yield self.now + timedelta(days=1)


class _PatchedClock:
    """``clock.now`` and ``timezone.now`` answer the simulation's current instant."""

    def __init__(self, world: _World):
        self.patches = [
            mock.patch.object(clock, "now", world.current),
            mock.patch.object(timezone, "now", world.current),
        ]

    def __enter__(self):
        for patch in self.patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in reversed(self.patches):
            patch.stop()
        return False


__all__ = ["ActivityStats", "activity_exists", "activity_generate"]
