"""Patrol tests: the shared patrol world (wangge.testing.worlds) on a fixed clock."""

from datetime import date

import pytest

from wangge.cases.models import CalendarDay
from wangge.testing.clock import at
from wangge.testing.patrols import TODAY
from wangge.testing.worlds import PatrolWorld, build_patrol_world


@pytest.fixture
def frozen_at():
    """clock.now() is TODAY 10:00 Shanghai time; ``frozen(day, hour)`` moves it."""
    return at(TODAY)


@pytest.fixture
def june_calendar(db):
    """The official arrangement for June 2026, as these tests assume it: no holiday in
    the first half, Saturday 6 June an adjusted working day (调休上班)."""
    CalendarDay.objects.filter(date__gte=date(2026, 6, 1), date__lte=date(2026, 6, 30)).delete()
    CalendarDay.objects.create(date=date(2026, 6, 6), is_workday=True, name="调休上班")


@pytest.fixture
def world(db, frozen) -> PatrolWorld:
    return build_patrol_world()
