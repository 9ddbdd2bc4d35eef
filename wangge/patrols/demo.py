"""The patrols app's part of the demo history: grid workers put on their grids, their
patrols (with a problem found now and then) and their household visits (with needs
raised on some), through ``grid_assign``, ``patrol_start``/``patrol_end``,
``patrol_finding_report`` and ``visit_record``; the cases they raise live on as the
cases app's stories (``world.hooks["case_follow"]``).

Set up directly, because no service writes it: households (and their residents) are
registered some weeks before the history starts (``created_at`` is the anchor of a
never-visited household's window; the city generator registers everyone "now"). A few
of the demo grid's households are placed so that they are due today or overdue now.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from wangge.accounts.models import Role, User
from wangge.areas.models import Area
from wangge.cases.demo_texts import FINDING_GROUPS, describe
from wangge.demo.history import Stories, Story, World
from wangge.patrols.cadence import window_from
from wangge.patrols.models import (
    UNCOUNTED_OUTCOMES,
    Duty,
    GridAssignment,
    Patrol,
    PatrolFinding,
    Visit,
    VisitMode,
    VisitNeed,
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

FINDING_PER_PATROL = 0.035
# Grid workers' habits: share of working days patrolled, of rest days patrolled. Visits
# follow the same profile (``_visit_dates``): diligent workers call within the window,
# lagging ones late or much later.
PROFILES = {
    "diligent": (0.96, 0.10),
    "average": (0.85, 0.04),
    "lagging": (0.55, 0.0),
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


def history_exists() -> bool:
    return Patrol.objects.exists() or Visit.objects.exists()


def history_prepare(world: World) -> None:
    world.rounds = Rounds(world)
    world.rounds.assign_workers()
    world.say(
        f"  {len(world.populated)} 个有住户的网格，"
        f"{sum(len(w) for w in world.workers.values())} 名网格员在岗"
    )


def history_start(world: World) -> None:
    world.rounds.registration()
    world.rounds.plan_visits()
    world.rounds.plan_patrols()


def history_figures() -> dict:
    return {
        "patrols": Patrol.objects.count(),
        "findings": PatrolFinding.objects.count(),
        "visits": Visit.objects.count(),
        "visit_needs": VisitNeed.objects.count(),
        "grid_assignments": GridAssignment.objects.count(),
    }


def history_summary(figures: dict) -> str:
    return (
        f"{figures['patrols']} 次巡查（发现问题 {figures['findings']} 件），"
        f"{figures['visits']} 次走访（登记诉求 {figures['visit_needs']} 件）"
    )


class Rounds(Stories):
    """The grid workers' patrols and visits."""

    def assign_workers(self) -> None:
        """The communities put each populated grid's workers on it when the history starts."""
        self.world.workers = {}
        self.world.profile = {}
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

    # ------------------------------------------------------------ households and visits

    def registration(self) -> None:
        """Households were registered before the history starts (one cadence interval or
        less before it, so each one's first visit falls inside the history); a few of the
        demo grid's are placed so that they are due today or overdue now."""
        rows = list(
            with_window_fields(Household.objects.filter(grid__in=self.populated))
            .order_by("id")
            .values_list("id", "grid_id", "cadence_rank")
        )
        rank_cadence = {1: Cadence.WEEKLY, 2: Cadence.MONTHLY, 3: Cadence.QUARTERLY}
        self.world.households = []
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

    def plan_visits(self) -> None:
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
                self.hooks["case_follow"](
                    need.case_id, random.Random(rng.getrandbits(64)), reporter_kind="worker"
                )

    # ------------------------------------------------------------ patrols

    def plan_patrols(self) -> None:
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
                lat, lng = self.point(grid, rng)
                at = begin + length * (k / 4)
                points.append({"lat": lat, "lng": lng, "at": at.isoformat()})
            patrol_end(actor=worker, client_ref=ref, points=points, notes=rng.choice(PATROL_NOTES))

    def _finding(self, worker: User, grid: Area, ref: str, rng: random.Random) -> None:
        category = rng.choice(self.leaves[rng.choice(FINDING_GROUPS)])
        place, lat, lng = self.place(grid, rng)
        case = patrol_finding_report(
            actor=worker,
            grid_id=grid.pk,
            category_id=category.pk,
            description=describe(category, place, rng),
            patrol_ref=ref,
            duty=Duty.GOVERNANCE,
            lat=lat,
            lng=lng,
            address=place,
        )
        self.hooks["case_follow"](
            case.pk, random.Random(rng.getrandbits(64)), reporter_kind="worker"
        )
