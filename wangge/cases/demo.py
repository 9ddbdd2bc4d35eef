"""The cases app's part of the demo history: cases reported on their own, each living
its life through the real services (``case_report``, ``case_transition``,
``case_evaluate``, the ``summons_*`` services, ``cases_close_after_followup``).

Set up directly, because no service writes it and the history needs it: when the
routing table is empty, a small city-wide routing table sends street-scene categories to
the city departments (so communities accept and dispatch those cases and the streets
handle the rest).
A share of the reports is concentrated in the demo street and grid, and that street's
units work a little slower, so whenever the demo is opened its work lists hold work.
Other apps' stories hand their cases on with ``world.hooks["case_follow"]``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area
from wangge.cases.demo_life import CaseLife
from wangge.cases.demo_texts import (
    DEMO_ROUTES,
    DESCRIPTIONS,
    DISTRICT_ABBRS,
    FINDING_GROUPS,
    GIVEN,
    NAMES,
    STREET_CHOICES,
    describe,
)
from wangge.cases.models import (
    Case,
    Category,
    Evaluation,
    Priority,
    RoutingRule,
    Source,
    Status,
    Summons,
)
from wangge.cases.services import case_report, case_route, case_transition
from wangge.core.errors import ApplicationError
from wangge.core.refcache import refcache_clear_all
from wangge.demo.history import LOCAL_TZ, Stories, Story, World

# Cases reported on their own (not found on patrol or raised on a visit), per populated
# grid and day, kept within these bounds per day for the whole city.
CASES_PER_GRID_DAY = 0.05
CASES_PER_DAY_BOUNDS = (0.5, 3.0)
# Share of the cases reported on their own that lands in each part of the demo's scope.
FOCUS_WEIGHTS = {"grid": 0.15, "community": 0.05, "street": 0.15, "district": 0.25, "city": 0.40}


def history_exists() -> bool:
    return Case.objects.exists()


def history_prepare(world: World) -> None:
    desk = CaseDesk(world)
    desk.prepare()
    world.case_desk = desk
    world.hooks["case_follow"] = desk.follow


def history_start(world: World) -> None:
    desk = world.case_desk
    desk.plan_cases()
    world.spawn(world.start + timedelta(days=1, hours=3), desk.nightly())


def history_figures() -> dict:
    def by(field: str) -> dict[str, int]:
        rows = Case.objects.order_by().values_list(field).annotate(n=Count("id"))
        return dict(rows.order_by(field))

    return {
        "cases": Case.objects.count(),
        "by_status": by("status"),
        "by_source": by("source"),
        "summonses": Summons.objects.count(),
        "evaluations": Evaluation.objects.count(),
    }


def history_summary(figures: dict) -> str:
    statuses = "，".join(f"{Status(s).label} {n}" for s, n in figures["by_status"].items())
    return (
        f"{figures['cases']} 件案件（{statuses}），{figures['summonses']} 次吹哨，"
        f"{figures['evaluations']} 条评价"
    )


class CaseDesk(CaseLife, Stories):
    """Every case's story, and the nightly follow-up job."""

    def prepare(self) -> None:
        # The categories are shared: other apps' stories report cases too.
        world = self.world
        world.categories = {c.code: c for c in Category.objects.filter(active=True)}
        world.category = {c.pk: c for c in world.categories.values()}
        world.leaves = defaultdict(list)
        for category in sorted(world.categories.values(), key=lambda c: c.code):
            if len(category.code) > 3:
                world.leaves[category.code[:3]].append(category)
        self.world.count("routing_rules", self._routing_ensure())

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

    def plan_cases(self) -> None:
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
        place, lat, lng = self.place(grid, rng)
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
            description=describe(category, place, rng),
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

    def follow(self, case_id: int, rng: random.Random, *, reporter_kind: str) -> None:
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
