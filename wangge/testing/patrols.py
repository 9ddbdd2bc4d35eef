"""Patrol history: households registered on a given day with care tags, past visits."""

from datetime import date

from wangge.accounts.models import User
from wangge.areas.models import Area
from wangge.patrols.models import Visit, VisitMode, VisitOutcome
from wangge.people.models import CareTag, Household
from wangge.testing.clock import at
from wangge.testing.people import make_household, make_resident

# Wednesday. June 1–10 2026 has eight weekday working days; the patrol tests add one.
TODAY = date(2026, 6, 10)


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
