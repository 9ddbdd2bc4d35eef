"""The hand-checked data set. ``build_city()`` gives 2 districts × 2 streets × 2 communities
× 2 grids; ``g[0..15]`` are the grids in tree order, so g0–g3 are street S1 (community C1 =
g0, g1; C2 = g2, g3), g4–g7 street S2, and g8–g15 district D2.

Registers (as they are now)
    g0: household h1 {r1 elderly_alone + low_income, r2}, h2 {r3 disabled}
    g2: h3 {r4};  g4: h4 {r5, r6 low_income};  g8: h5 {r7}
    grid workers: w1 on g0; w2 on g0 and g2; w3 on g8 (distinct people: city 3, S1 2)
    estates: g0 E1 managed, E2 not; g4 E3 managed; one building in g0
    departments: 城管局 (A) and 住建局 (B), both anchored on D1

Cases (local time; the clock stands at 15 April 2026, 10:00)
    c1 g0 grid worker, created 2 Mar, → A, signed on time, resolved on time, closed, 满意
    c2 g0 resident,    created 3 Mar, → A, signed late, resolved late, verified, rework, 不满意
    c3 g2 hotline,     created 10 Mar, → B at 9:00, returned by B at 9:15, → A at 9:30,
                       never signed, due 17 Mar (open and late)
    c4 g0 resident,    created 20 Mar, rejected (never dispatched)
    c5 g8 grid worker, created 5 Mar, → B, signed on time, resolved on time, closed, 基本满意
    c6 g0 resident,    created 27 Feb, → A, in progress, due 5 Mar (overdue now)
    checks (verify events): c1 passes 6 Mar, c5 9 Mar; c2 fails 11 Mar (A's rework), passes
    13 Mar. March: 5 dispatches (A 3, B 2), 1 return (B), 4 checks, 1 failed (A)
    summons on c3 (10 Mar 10:00, urgent): A checks in after 20 min (on time, ★4),
    B after 60 min (late, ★2)

Patrols and visits in March 2026 (22 working days: no holiday that month)
    w1 patrols g0 on 2 Mar and twice on 3 Mar (2 patrol days); w3 patrols g8 on 2 Mar;
    only the staffed grids g0, g2, g8 count working days (3 × 22)
    visits: h1 5 Mar in person, met (care household done); h2 6 Mar by phone, not met
    (does not count); h3 7 Mar in person, met (quarterly household done)
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from wangge.accounts.models import Department, User
from wangge.accounts.services import role_assign
from wangge.areas.models import Area, Building, Estate
from wangge.cases.models import (
    Case,
    CaseEvent,
    Category,
    Evaluation,
    Satisfaction,
    Source,
    Status,
    Summons,
    SummonsResponse,
)
from wangge.core import clock
from wangge.patrols.models import Patrol, Visit, VisitMode, VisitOutcome, VisitTiming
from wangge.people.models import CareTag, Household, Resident
from wangge.testing import Role, grids, make_household, make_resident, make_user

NOW = datetime(2026, 4, 15, 10, 0, tzinfo=clock.LOCAL_TZ)
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour, minute), tzinfo=clock.LOCAL_TZ)


@dataclass
class Data:
    city: Area
    d1: Area
    d2: Area
    s1: Area
    s2: Area
    c1: Area
    c2: Area
    g: list[Area]
    dept_a: Department
    dept_b: Department
    workers: list[User]
    households: list[Household]
    cases: dict[str, Case]


def tag(resident: Resident, *codes: str) -> None:
    resident.care_tags.add(*CareTag.objects.filter(code__in=codes))


def make_case(
    grid: Area,
    *,
    source: str,
    created: datetime,
    status: str,
    department: Department | None = None,
    dispatched: datetime | None = None,
    sign_due: datetime | None = None,
    signed: datetime | None = None,
    resolve_due: datetime | None = None,
    resolved: datetime | None = None,
    rework: int = 0,
    returned: int = 0,
    category: Category,
) -> Case:
    number = next(_numbers)
    lng, lat = grid.polygon["coordinates"][0][0]
    case = Case.objects.create(
        number=f"T{number:08d}",
        token=f"token{number:027d}",
        category=category,
        status=status,
        source=source,
        description="路灯不亮",
        grid=grid,
        area_path=grid.path,
        lat=lat + 0.005,
        lng=lng + 0.005,
        handler_department=department,
        dispatched_at=dispatched,
        sign_due_at=sign_due,
        signed_at=signed,
        resolve_due_at=resolve_due,
        resolved_at=resolved,
        rework_count=rework,
        return_count=returned,
        created_at=created,
        updated_at=created,
    )
    if dispatched is not None and department is not None:
        event(case, "dispatch", dispatched, handler_department=department.pk)
    return case


def report_case(grid: Area, *, created: datetime, category: Category) -> Case:
    """A resident's report, not yet accepted (a record arriving late in a month)."""
    return make_case(
        grid, source=Source.RESIDENT, created=created, status=Status.REPORTED, category=category
    )


def event(case: Case, action: str, when: datetime, **data) -> CaseEvent:
    """A timeline row as the workflow writes it (returns and checks count from these)."""
    return CaseEvent.objects.create(case=case, at=when, action=action, data=data)


def build_data(city: Area) -> Data:
    g = grids()
    d1, d2 = (Area.objects.get(path=g[0].path[:8]), Area.objects.get(path=g[8].path[:8]))
    s1, s2 = (Area.objects.get(path=g[0].path[:12]), Area.objects.get(path=g[4].path[:12]))
    c1, c2 = (Area.objects.get(path=g[0].path[:16]), Area.objects.get(path=g[2].path[:16]))

    h1, h2, h3, h4, h5 = (make_household(grid) for grid in (g[0], g[0], g[2], g[4], g[8]))
    r1 = make_resident(h1, name="赵一")
    tag(r1, "elderly_alone", "low_income")
    make_resident(h1, name="钱二")
    tag(make_resident(h2, name="孙三"), "disabled")
    make_resident(h3, name="李四")
    make_resident(h4, name="周五")
    tag(make_resident(h4, name="吴六"), "low_income")
    make_resident(h5, name="郑七")

    w1 = make_user(Role.GRID_WORKER, g[0], username="w1")
    w2 = make_user(Role.GRID_WORKER, g[0], username="w2")
    role_assign(actor=None, user=w2, role=Role.GRID_WORKER, area=g[2])
    w3 = make_user(Role.GRID_WORKER, g[8], username="w3")

    Estate.objects.create(grid=g[0], name="E1", has_property_management=True)
    estate = Estate.objects.create(grid=g[0], name="E2", has_property_management=False)
    Estate.objects.create(grid=g[4], name="E3", has_property_management=True)
    Building.objects.create(grid=g[0], estate=estate, name="1号楼")

    dept_a = Department.objects.create(name="城管局", code="T-A", area=d1)
    dept_b = Department.objects.create(name="住建局", code="T-B", area=d1)

    category = Category.objects.add_root(instance=Category(code="T01", name="测试类别"))
    cases = {
        "c1": make_case(
            g[0],
            source=Source.GRID_WORKER,
            created=at(3, 2),
            status=Status.CLOSED,
            department=dept_a,
            dispatched=at(3, 2, 10),
            sign_due=at(3, 2, 12),
            signed=at(3, 2, 11),
            resolve_due=at(3, 9),
            resolved=at(3, 5),
            category=category,
        ),
        "c2": make_case(
            g[0],
            source=Source.RESIDENT,
            created=at(3, 3),
            status=Status.VERIFIED,
            department=dept_a,
            dispatched=at(3, 3, 9, 30),
            sign_due=at(3, 3, 10),
            signed=at(3, 3, 15),
            resolve_due=at(3, 10),
            resolved=at(3, 12),
            rework=1,
            category=category,
        ),
        "c3": make_case(
            g[2],
            source=Source.HOTLINE,
            created=at(3, 10),
            status=Status.DISPATCHED,
            department=dept_a,
            dispatched=at(3, 10, 9, 30),
            sign_due=at(3, 10, 12),
            resolve_due=at(3, 17),
            returned=1,
            category=category,
        ),
        "c4": make_case(
            g[0],
            source=Source.RESIDENT,
            created=at(3, 20),
            status=Status.REJECTED,
            category=category,
        ),
        "c5": make_case(
            g[8],
            source=Source.GRID_WORKER,
            created=at(3, 5),
            status=Status.CLOSED,
            department=dept_b,
            dispatched=at(3, 5, 10),
            sign_due=at(3, 5, 12),
            signed=at(3, 5, 11),
            resolve_due=at(3, 12),
            resolved=at(3, 8),
            category=category,
        ),
        "c6": make_case(
            g[0],
            source=Source.RESIDENT,
            created=at(2, 27),
            status=Status.IN_PROGRESS,
            department=dept_a,
            dispatched=at(2, 27, 10),
            sign_due=at(2, 27, 12),
            signed=at(2, 27, 11),
            resolve_due=at(3, 5),
            category=category,
        ),
    }
    # c3 went to B first; B returned it the same morning and it was redispatched to A.
    event(cases["c3"], "dispatch", at(3, 10, 9), handler_department=dept_b.pk)
    event(cases["c3"], "return", at(3, 10, 9, 15), handler_department=dept_b.pk)
    # Checks: c1 and c5 pass; c2's first result fails (A's rework), its second passes.
    event(cases["c1"], "verify", at(3, 6), passed=True)
    event(cases["c5"], "verify", at(3, 9), passed=True)
    event(cases["c2"], "verify", at(3, 11), passed=False)
    event(cases["c2"], "verify", at(3, 13), passed=True)
    for key, rating in (
        ("c1", Satisfaction.SATISFIED),
        ("c2", Satisfaction.UNSATISFIED),
        ("c5", Satisfaction.BASIC),
    ):
        Evaluation.objects.create(case=cases[key], rating=rating, at=at(3, 25))
    summons = Summons.objects.create(
        case=cases["c3"], street=s1, issued_at=at(3, 10, 10), urgent=True, reason="多部门协同"
    )
    SummonsResponse.objects.create(
        summons=summons,
        department=dept_a,
        due_at=at(3, 10, 10, 30),
        checked_in_at=at(3, 10, 10, 20),
        rating=4,
    )
    SummonsResponse.objects.create(
        summons=summons,
        department=dept_b,
        due_at=at(3, 10, 10, 30),
        checked_in_at=at(3, 10, 11),
        rating=2,
    )

    for worker, grid, day, ref in (
        (w1, g[0], 2, "a"),
        (w1, g[0], 3, "b"),
        (w1, g[0], 3, "c"),
        (w3, g[8], 2, "d"),
    ):
        Patrol.objects.create(
            worker=worker,
            grid=grid,
            area_path=grid.path,
            client_ref=ref,
            date=date(2026, 3, day),
            started_at=at(3, day, 8),
            ended_at=at(3, day, 8) + timedelta(hours=1),
        )
    for household, worker, day, mode, outcome, cadence in (
        (h1, w1, 5, VisitMode.IN_PERSON, VisitOutcome.NORMAL, "monthly"),
        (h2, w1, 6, VisitMode.PHONE, VisitOutcome.NOT_MET, "monthly"),
        (h3, w2, 7, VisitMode.IN_PERSON, VisitOutcome.NORMAL, "quarterly"),
    ):
        Visit.objects.create(
            household=household,
            worker=worker,
            grid=household.grid,
            area_path=household.area_path,
            at=at(3, day, 15),
            date=date(2026, 3, day),
            mode=mode,
            outcome=outcome,
            cadence=cadence,
            timing=VisitTiming.ON_TIME,
        )
    return Data(
        city=city,
        d1=d1,
        d2=d2,
        s1=s1,
        s2=s2,
        c1=c1,
        c2=c2,
        g=g,
        dept_a=dept_a,
        dept_b=dept_b,
        workers=[w1, w2, w3],
        households=[h1, h2, h3, h4, h5],
        cases=cases,
    )
