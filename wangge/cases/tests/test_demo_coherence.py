"""The demo city holds together (issue 10 item 13): workers on every grid where people
live, every demo login sees cases, a year of history month by month, counts that agree
with the dashboard, and no doubled words in the generated texts."""

import re
from collections import Counter
from datetime import datetime

from django.db.models import Count
from django.test import override_settings

from wangge.accounts.demo import demo_accounts_ensure
from wangge.accounts.models import Role, RoleAssignment, User
from wangge.areas.models import Area, AreaKind
from wangge.cases.models import Case
from wangge.cases.selectors import case_list_visible_to
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.demo.history import activity_generate
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.patrols.models import Patrol

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)
CASE_VIEWERS = ("gridworker", "community", "street", "department", "district", "city", "resident")


def _demo_city(*, days: int | None):
    """白云鄂博矿区 at the demo scale with its demo logins (and ``days`` of history)."""
    with override_settings(WANGGE_DEMO=True), clock.simulated(lambda: NOW):
        city_generate(scale=0.002, seed=42, districts=["150206"])
        demo_accounts_ensure()
        if days:
            return activity_generate(seed=42, days=days, until=NOW)
    return None


def _staffed_grids() -> set[int]:
    populated = Area.objects.filter(kind=AreaKind.GRID, households__isnull=False)
    communities = {path[:16] for path in populated.values_list("path", flat=True)}
    return {
        pk
        for pk, path in Area.objects.filter(kind=AreaKind.GRID).values_list("id", "path")
        if path[:16] in communities
    }


def test_every_grid_where_people_live_has_its_worker_and_the_dashboard_agrees(db):
    # given
    _demo_city(days=None)
    staffed = _staffed_grids()
    workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER)
    city_user = User.objects.get(username="city")
    city = Area.objects.get(kind=AreaKind.CITY)

    # when
    per_grid = dict(workers.values_list("area_id").annotate(n=Count("user", distinct=True)))
    people = workers.values("user").distinct().count()
    with clock.simulated(lambda: NOW):
        figures = area_figures(
            user=city_user, area=city, period=Period.current(), codes=["grid_workers"]
        )

    # then: one generated worker per grid of a populated community (plus the demo login),
    # none elsewhere, and the dashboard counts the same people
    assert set(per_grid) == staffed
    assert people == len(staffed) + 1
    assert figures.total["grid_workers"] == people
    assert len(staffed) < Area.objects.filter(kind=AreaKind.GRID).count()


def test_a_year_of_history_every_login_sees_evenly_in_plain_words(db):
    # given
    stats = _demo_city(days=365)

    # when
    visible = {}
    with clock.simulated(lambda: NOW):
        for username in CASE_VIEWERS:
            visible[username] = case_list_visible_to(user=User.objects.get(username=username))
        months = Counter(
            at.astimezone(clock.LOCAL_TZ).month
            for at in Case.objects.values_list("created_at", flat=True)
        )
    patrol_months = {
        at.astimezone(clock.LOCAL_TZ).month
        for at in Patrol.objects.values_list("started_at", flat=True)
    }
    doubled = [
        text
        for text in Case.objects.values_list("description", flat=True)
        if re.search(r"(\D{2,})\1", text)
    ]

    # then: nothing refused, and every demo login sees cases of its areas
    assert stats.refused == 0, stats.refusals
    assert [name for name, cases in visible.items() if not cases.exists()] == []
    # and cases and patrols in each of the twelve months, no month starved
    assert set(months) == set(range(1, 13))
    full = [n for month, n in months.items() if month != NOW.month]
    assert min(full) >= max(full) / 4
    assert patrol_months == set(range(1, 13))
    # and no doubled words such as "工地工地扬尘" in what the reporters wrote
    assert Case.objects.count() > 100
    assert doubled == []
