"""A small world for patrol tests: one street, two communities of two grids, a fixed clock."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from wangge.accounts.models import User
from wangge.areas.models import Area, AreaKind
from wangge.cases.models import CalendarDay
from wangge.core import clock
from wangge.patrols.models import Visit, VisitMode, VisitOutcome
from wangge.patrols.services import grid_assign
from wangge.people.models import CareTag, Household
from wangge.testing import Role, build_city, grids, make_household, make_resident, make_user

# Wednesday. June 1–10 2026 has eight weekday working days; the world below adds one.
TODAY = date(2026, 6, 10)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def frozen(monkeypatch):
    """clock.now() is TODAY 10:00 Shanghai time; returns a setter to move it."""
    current = {"now": at(TODAY)}
    monkeypatch.setattr(clock, "now", lambda: current["now"])

    def move(day: date, hour: int = 10) -> None:
        current["now"] = at(day, hour)

    return move


@pytest.fixture
def june_calendar(db):
    """The official arrangement for June 2026, as these tests assume it: no holiday in
    the first half, Saturday 6 June an adjusted working day (调休上班)."""
    CalendarDay.objects.filter(date__gte=date(2026, 6, 1), date__lte=date(2026, 6, 30)).delete()
    CalendarDay.objects.create(date=date(2026, 6, 6), is_workday=True, name="调休上班")


@dataclass
class World:
    g1: Area
    g2: Area
    g3: Area
    g4: Area
    community1: Area
    community2: Area
    street: Area
    staff: User  # community staff of community 1
    street_staff: User
    worker_a: User  # g1
    worker_b: User  # g2
    worker_c: User  # g3 (community 2)


@pytest.fixture
def world(db, frozen) -> World:
    build_city(districts=1, streets=1, communities=2, grids=2)
    g1, g2, g3, g4 = grids()
    community1, community2 = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path")
    street = Area.objects.get(kind=AreaKind.STREET)
    staff = make_user(Role.COMMUNITY_STAFF, community1, username="community1")
    street_staff = make_user(Role.STREET_STAFF, street, username="street")
    worker_a = make_user(username="worker_a")
    worker_b = make_user(username="worker_b")
    worker_c = make_user(username="worker_c")
    grid_assign(actor=staff, worker=worker_a, grid=g1, since=date(2026, 1, 1))
    grid_assign(actor=staff, worker=worker_b, grid=g2, since=date(2026, 1, 1))
    grid_assign(actor=street_staff, worker=worker_c, grid=g3, since=date(2026, 1, 1))
    return World(
        g1,
        g2,
        g3,
        g4,
        community1,
        community2,
        street,
        staff,
        street_staff,
        reload(worker_a),
        reload(worker_b),
        reload(worker_c),
    )


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def household(
    grid: Area,
    *,
    tags: tuple[str, ...] = (),
    registered: date = date(2026, 1, 1),
    name: str = "张三",
) -> Household:
    """A household registered on ``registered`` whose first resident carries ``tags``."""
    home = make_household(grid)
    Household.objects.filter(pk=home.pk).update(created_at=at(registered))
    resident = make_resident(home, name=name)
    if tags:
        resident.care_tags.set(CareTag.objects.filter(code__in=tags))
    return Household.objects.get(pk=home.pk)


def visit(home: Household, worker: User, day: date, outcome: str = VisitOutcome.NORMAL) -> Visit:
    """A visit row as history (bypassing the service, which refuses old dates)."""
    return Visit.objects.create(
        household=home,
        worker=worker,
        grid=home.grid,
        area_path=home.area_path,
        at=at(day),
        date=day,
        mode=VisitMode.IN_PERSON,
        outcome=outcome,
        cadence="",
        timing="on_time",
    )
