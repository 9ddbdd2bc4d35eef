"""Precomputed figures equal the live ones, and are never older than the freshness limit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from wangge.areas.models import Area
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.indicators.models import DepartmentRollup, Rollup, RollupRun
from wangge.indicators.periods import Period
from wangge.indicators.rollups import rollup_refresh
from wangge.indicators.selectors import area_figures, department_ranking, monthly_trend
from wangge.testing import Role, make_user
from wangge.testing.indicator_city import NOW, at, report_case

MARCH = Period(2026, 3)
TREND = ["cases_received", "composite_score", "patrol_rate", "care_visit_rate", "visits"]


@pytest.fixture
def officer(data):
    return make_user(Role.CITY_OFFICER, data.city, username="city-officer")


def every_node_figures(officer, period: Period) -> dict:
    return {
        area.path: (figures.total, figures.children, figures.computed_at)
        for area in Area.objects.order_by("path")
        for figures in [area_figures(user=officer, area=area, period=period)]
    }


def test_rollup_figures_equal_live_figures_at_every_node(data, officer):
    # given: live figures of every node, every indicator
    live = every_node_figures(officer, MARCH)
    live_trend = monthly_trend(user=officer, area=data.s1, period=MARCH, codes=TREND, months=3)

    # when
    run = rollup_refresh(period=MARCH)
    for month in (Period(2026, 1), Period(2026, 2)):
        rollup_refresh(period=month)

    # then
    from_rollup = every_node_figures(officer, MARCH)
    assert {path: (total, children) for path, (total, children, _) in from_rollup.items()} == {
        path: (total, children) for path, (total, children, _) in live.items()
    }
    assert {computed for _, _, computed in live.values()} == {None}
    assert {computed for _, _, computed in from_rollup.values()} == {NOW}
    assert (run.computed_at, run.rows) == (
        NOW,
        Rollup.objects.filter(period=MARCH.first_day).count()
        + DepartmentRollup.objects.filter(period=MARCH.first_day).count(),
    )
    assert monthly_trend(user=officer, area=data.s1, period=MARCH, codes=TREND, months=3) == (
        live_trend
    )


def received_at(monkeypatch, officer, area, period: Period, minutes_later: int):
    """cases_received of ``area`` in ``period`` as a dashboard would show it then, and
    when that figure was computed (None: live)."""
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=minutes_later))
    figures = area_figures(
        user=officer, area=area, period=period, with_children=False, codes=["cases_received"]
    )
    return figures.total["cases_received"], figures.computed_at


def test_the_running_month_is_never_shown_more_than_30_minutes_old(
    data, officer, monkeypatch, settings
):
    # given: April (the running month) precomputed at 10:00, then a case arrives
    settings.WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES = 30
    april = Period(2026, 4)
    rollup_refresh(period=april)
    report_case(data.g[1], created=at(4, 15, 9, 30), category=data.cases["c1"].category)

    # then: up to 30 minutes old, the precomputed figure; after that, live
    assert received_at(monkeypatch, officer, data.city, april, 0) == (0, NOW)
    assert received_at(monkeypatch, officer, data.city, april, 30) == (0, NOW)
    assert received_at(monkeypatch, officer, data.city, april, 31) == (1, None)

    # when: the periodic job rebuilds the month (the clock still at 10:31)
    rollup_refresh(period=april)

    # then
    assert received_at(monkeypatch, officer, data.city, april, 32) == (
        1,
        NOW + timedelta(minutes=31),
    )


def test_a_closed_month_is_shown_up_to_26_hours_old(data, officer, monkeypatch, settings):
    # given: March precomputed on 15 April at 10:00, then a late record for March
    settings.WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS = 26
    rollup_refresh(period=MARCH)
    report_case(data.g[1], created=at(3, 28), category=data.cases["c1"].category)

    # then
    assert received_at(monkeypatch, officer, data.city, MARCH, 26 * 60) == (5, NOW)
    assert received_at(monkeypatch, officer, data.city, MARCH, 26 * 60 + 1) == (6, None)


def test_no_limit_means_always_live(data, officer, settings):
    # given
    settings.WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES = 0
    rollup_refresh(period=MARCH)

    # when
    figures = area_figures(user=officer, area=data.city, period=MARCH, codes=["residents"])

    # then
    assert (figures.total["residents"], figures.computed_at) == (7, None)


def test_rollup_still_applies_scope(data):
    # given
    rollup_refresh(period=MARCH)
    street_officer = make_user(Role.STREET_STAFF, data.s1, username="street-officer")

    # then
    figures = area_figures(
        user=street_officer, area=data.s1, period=MARCH, codes=["residents", "cases_received"]
    )
    assert (figures.total, figures.computed_at) == ({"residents": 4, "cases_received": 4}, NOW)
    with pytest.raises(NotFoundOrForbidden):
        area_figures(user=street_officer, area=data.city, period=MARCH)


def test_department_rankings_from_the_rollup_equal_live_ones_at_every_node(data, officer):
    # given
    def rankings():
        return {
            area.path: [
                (row["rank"], row["department"].pk, row["values"])
                for row in department_ranking(user=officer, area=area, period=MARCH)
            ]
            for area in Area.objects.order_by("path")
        }

    live = rankings()

    # when
    rollup_refresh(period=MARCH)

    # then
    assert rankings() == live
    assert [dept for _, dept, _ in live[data.city.path]] == [data.dept_b.pk, data.dept_a.pk]
    assert [dept for _, dept, _ in live[data.s1.path]] == [data.dept_a.pk, data.dept_b.pk]


def test_dashboard_says_when_its_figures_were_computed(data, officer, client):
    # given
    client.force_login(officer)
    live = client.get(f"/dashboard/{data.city.code}/?period=2026-03")
    rollup_refresh(period=MARCH)

    # when
    precomputed = client.get(f"/dashboard/{data.city.code}/?period=2026-03")

    # then
    assert "数据为实时计算" in live.content.decode()
    assert "数据为预计算结果，计算于 2026-04-15 10:00" in precomputed.content.decode()
    assert (
        client.get(f"/dashboard/{data.city.code}/data.json?period=2026-03").json()["computed_at"]
        == "2026-04-15 10:00:00"
    )


def test_refresh_command_rebuilds_the_recent_months(data):
    # when
    call_command("refresh_indicators", "--months", "3", stdout=io.StringIO())

    # then
    assert [f"{run.period:%Y-%m}" for run in RollupRun.objects.order_by("period")] == [
        "2026-02",
        "2026-03",
        "2026-04",
    ]


def test_the_ten_minute_task_also_rebuilds_closed_months_that_are_missing_or_stale(
    data, monkeypatch, settings
):
    # given a trend of 3 months: February never computed (a new install), March computed
    # 27 hours ago (the nightly rebuild did not run), the running month April
    from wangge.indicators.tasks import refresh_current

    settings.WANGGE_INDICATOR_ROLLUP_MONTHS = 3
    settings.WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS = 26
    rollup_refresh(period=MARCH)
    RollupRun.objects.filter(period=MARCH.first_day).update(computed_at=NOW - timedelta(hours=27))

    # when the every-ten-minutes task runs
    refresh_current()

    # then every month of the trend is fresh, each computed now
    runs = {f"{run.period:%Y-%m}": run.computed_at for run in RollupRun.objects.all()}
    assert runs == {"2026-02": NOW, "2026-03": NOW, "2026-04": NOW}

    # and when everything is fresh the next run rebuilds only the running month
    monkeypatch.setattr(
        "wangge.indicators.rollups.rollup_refresh",
        lambda *, period: pytest.fail(f"rebuilt {period} though fresh"),
    )
    from wangge.indicators.rollups import rollup_refresh_stale

    assert rollup_refresh_stale() == []
