"""The demo history: a year of lived-in activity, written by the real services.

``activity_generate`` runs a small discrete-event simulation over the demo city. The
apps' ``demo.py`` modules contribute the stories (see ``wangge.demo``); every record is
written by the real services, so the workflow table, the permissions, the timeline
events, the audit rows and the derived figures are exactly what real use would leave.

Time: the clock is simulated, not the rows backdated. Each story is a generator that
yields the instant of its next step; one priority queue runs every step in time order
inside ``wangge.core.clock.simulated``, so ``clock.now()`` (and Django's ``auto_now``
stamps) answer the step's instant. Backdating afterwards would leave deadlines,
working-day SLA maths, numbers dated by the day, visit windows and the audit trail
computed from the generation moment. Steps that would fall after "now" are not run: the
last cases reported are still open, a patrol started this morning may still be running.

Deterministic for a seed and an end instant: every decision comes from a
``random.Random`` seeded with the seed and the story's name (``World.rng``). With
``WANGGE_DEMO`` on, the demo accounts are ensured first and take most of the actions of
their units (``Directory.pick``), so whenever the demo is opened their lists hold work.
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
from typing import Any

from django.conf import settings
from django.db import transaction

from wangge.accounts.demo import DEMO_USERNAMES
from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.areas.models import Area, AreaKind, Building
from wangge.core import clock
from wangge.core.calendar import exceptions_between, is_workday
from wangge.core.errors import ApplicationError
from wangge.demo.registry import demo_hooks

LOCAL_TZ = clock.LOCAL_TZ
DEFAULT_DAYS = 365
Story = Generator[datetime, None, None]


@dataclass
class ActivityStats:
    """What the history holds: ``figures`` by name (``stats.cases`` reads ``figures``)."""

    skipped: bool = False
    days: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    summaries: list[str] = field(default_factory=list)
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __getattr__(self, name: str) -> Any:
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)


def activity_exists() -> bool:
    return any(hook() for hook in demo_hooks("history_exists"))


def activity_generate(
    *,
    seed: int,
    days: int = DEFAULT_DAYS,
    until: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ActivityStats:
    """Write ``days`` days of activity ending at ``until`` (default: now) into the city.

    Does nothing (``skipped``) if any app has activity already. Everything is written in
    one transaction."""
    if not 7 <= days <= 366:
        raise ApplicationError("天数须在 7 到 366 之间", field="days")
    stats = ActivityStats(days=days)
    if activity_exists():
        stats.skipped = True
        return stats
    if not Area.objects.filter(kind=AreaKind.GRID).exists():
        raise ApplicationError("还没有演示城市：请先运行 generate_city", code="empty")
    started = time.perf_counter()
    if settings.WANGGE_DEMO:
        from wangge.accounts.demo import demo_accounts_ensure

        demo_accounts_ensure()
    until = until or clock.now()
    with transaction.atomic():
        world = World(seed=seed, days=days, until=until, stats=stats, say=progress)
        world.prepare()
        world.run()
    for hook in demo_hooks("history_figures"):
        stats.figures.update(hook())
    for module_summary in demo_hooks("history_summary"):
        text = module_summary(stats.figures)
        if text:
            stats.summaries.append(text)
    _refresh_rollups_if_any()
    stats.seconds = time.perf_counter() - started
    return stats


def _refresh_rollups_if_any() -> None:
    """Precomputed dashboard figures made before the history would hide it: rebuild them."""
    from wangge.indicators.models import RollupRun
    from wangge.indicators.rollups import rollup_refresh_recent

    if RollupRun.objects.exists():
        rollup_refresh_recent()


@dataclass
class Directory:
    """Who holds which role where, as shared ``User`` objects (their permission caches
    are filled once)."""

    by_area: dict[tuple[str, str], list[User]]
    by_department: dict[int, list[User]]
    demo: set[int]

    @classmethod
    def load(cls) -> Directory:
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
            # A department's handlers (other roles held on a department, such as a unit's
            # training officer, do not act on its cases).
            if row.department_id is not None and row.role == Role.DEPARTMENT_HANDLER:
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


class World:
    """The simulation: its clock, its queue of stories, and what the apps share.

    The engine loads the places and the people (``node``, ``departments``, ``people``,
    ``focus``: the demo accounts' units); the apps' ``history_prepare`` hooks add what
    their stories share (for instance ``populated``, the grids where people live) and
    ``hooks`` (named callables one
    app's stories offer another's)."""

    def __init__(self, *, seed, days, until, stats, say=None):
        self.seed = seed
        self.until = until
        self.today = until.astimezone(LOCAL_TZ).date()
        self.start_day = self.today - timedelta(days=days)
        self.start = datetime.combine(self.start_day, clock_time(0), tzinfo=LOCAL_TZ)
        self.stats = stats
        self.say = say or (lambda message: None)
        self.now = self.start
        self.queue: list[tuple[datetime, int, Story]] = []
        self.order = itertools.count()
        self.populated: list[Area] = []
        self.workers: dict[int, list[User]] = {}
        self.hooks: dict[str, Callable] = {}
        self._buildings: dict[int, list[tuple[str, float, float]]] = {}

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(["wangge-activity", str(self.seed), *map(str, parts)]))

    def count(self, name: str, n: int = 1) -> None:
        self.stats.figures[name] = self.stats.figures.get(name, 0) + n

    # ------------------------------------------------------------ set-up

    def prepare(self) -> None:
        self.workdays = exceptions_between(
            self.start_day - timedelta(days=40), self.today + timedelta(days=120)
        )
        # Every node without its polygon: records name their units by id.
        nodes = list(Area.objects.only("id", "path", "depth", "kind", "code", "name"))
        self.node = {a.pk: a for a in nodes}
        self.node_at = {a.path: a for a in nodes}
        self.departments = {d.code: d for d in Department.objects.select_related("area")}
        self.department = {d.pk: d for d in self.departments.values()}
        self.city = Area.objects.filter(kind=AreaKind.CITY).order_by("path").first()
        self._focus()
        self.people = Directory.load()
        with clock.simulated(self.current):
            for hook in demo_hooks("history_prepare"):
                hook(self)

    def areas(self, **filters):
        """Areas (without their polygons) in path order."""
        return Area.objects.filter(**filters).defer("polygon").distinct().order_by("path")

    def _focus(self) -> None:
        """The demo accounts' units (the first district, street, community and grid)."""
        district = Area.objects.filter(depth=2).order_by("path").first()
        street = Area.objects.filter(depth=3, path__startswith=district.path).order_by("path")[0]
        community = Area.objects.filter(depth=4, path__startswith=street.path).order_by("path")[0]
        grid = Area.objects.filter(depth=5, path__startswith=community.path).order_by("path")[0]
        self.focus = {"district": district, "street": street, "community": community, "grid": grid}
        self.focus_grids = list(self.areas(kind=AreaKind.GRID, path__startswith=street.path))

    # ------------------------------------------------------------ the clock

    def current(self) -> datetime:
        return self.now

    def spawn(self, instant: datetime, story: Story) -> None:
        if instant > self.until:
            story.close()
            return
        heapq.heappush(self.queue, (max(instant, self.now), next(self.order), story))

    def run(self) -> None:
        with clock.simulated(self.current):
            for hook in demo_hooks("history_start"):
                hook(self)
            steps = 0
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
        """A working day of the official calendar (holidays and 调休 included)."""
        return is_workday(day, getattr(self, "workdays", {}))

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

    # ------------------------------------------------------------ places

    def point(self, grid: Area, rng: random.Random) -> tuple[float, float]:
        if grid.min_lat is None:
            return 40.6, 109.9
        return (
            rng.uniform(grid.min_lat + 1e-4, grid.max_lat - 1e-4),
            rng.uniform(grid.min_lng + 1e-4, grid.max_lng - 1e-4),
        )

    def place(self, grid: Area, rng: random.Random) -> tuple[str, float | None, float | None]:
        """An address in the grid (one of its buildings) and a point there."""
        if grid.pk not in self._buildings:
            self._buildings[grid.pk] = list(
                Building.objects.filter(grid_id=grid.pk)
                .order_by("id")
                .values_list("address", "lat", "lng")
            )
        buildings = self._buildings[grid.pk]
        lat, lng = self.point(grid, rng)
        if buildings:
            address, b_lat, b_lng = rng.choice(buildings)
            if b_lat is not None and grid.min_lat is not None:
                lat = min(max(b_lat, grid.min_lat + 1e-5), grid.max_lat - 1e-5)
                lng = min(max(b_lng, grid.min_lng + 1e-5), grid.max_lng - 1e-5)
            return address[:120], lat, lng
        return grid.name, lat, lng


class Stories:
    """Base of an app's stories: reads what it does not have from the ``World``
    (``self.now``, ``self.later``, ``self.people`` …); writes go to ``self.world``."""

    def __init__(self, world: World):
        self.world = world

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["world"], name)
