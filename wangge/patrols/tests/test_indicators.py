"""Patrol and visit compliance on the dashboards (wangge/patrols/indicators.py) equals the
patrols app's own compliance report."""

from datetime import date

import pytest

from wangge.core import clock
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.patrols.periods import month_of, quarter_of
from wangge.patrols.selectors import compliance_by_area
from wangge.testing import Role, make_user
from wangge.testing.indicator_city import NOW, build_data

MARCH = Period(2026, 3)


@pytest.fixture
def data(city, monkeypatch):
    """The indicator tests' hand-checked city; the clock at 15 April 2026, 10:00."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return build_data(city)


@pytest.fixture
def officer(data):
    return make_user(Role.CITY_OFFICER, data.city, username="officer")


def test_compliance_equals_the_patrols_report(data):
    # given: the patrols app's own compliance report for the street in March, by community
    staff = make_user(Role.STREET_STAFF, data.s1, username="street-staff")
    report = compliance_by_area(
        user=staff,
        level="community",
        area=data.s1,
        month=month_of(date(2026, 3, 1)),
        quarter=quarter_of(date(2026, 3, 1)),
    )

    # when
    figures = area_figures(
        user=staff,
        area=data.s1,
        period=MARCH,
        codes=["patrol_rate", "care_visit_rate", "household_visit_rate"],
    )

    # then
    assert [
        (
            area.code,
            values["patrol_rate"],
            values["care_visit_rate"],
            values["household_visit_rate"],
        )
        for area, values in figures.children
    ] == [
        (row.area.code, row.figures.patrol_rate, row.figures.care_rate, row.figures.other_rate)
        for row in report.rows
    ]
    # C1: g0 staffed (2 days / 22), g1 unstaffed; C2: g2 staffed, no patrols
    assert [values["patrol_rate"] for _, values in figures.children] == [9.1, 0.0]
