"""The closed loop's dashboard figures (wangge/cases/indicators.py) agree with the KPI
table of the cases app (wangge/cases/kpi.py) over the dispatched cohort."""

from datetime import date

import pytest

from wangge.areas.models import Area
from wangge.cases.kpi import kpi_table
from wangge.core import clock
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures, department_ranking
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


@pytest.mark.parametrize("level", ["district", "street", "community", "grid"])
def test_case_rates_equal_the_kpi_table(data, officer, level):
    # given: the closed-loop module's own KPI table grouped at this level
    rows = kpi_table(
        user=officer, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by=level
    )
    # when
    ours = {}
    for row in rows:
        area = Area.objects.get(path=row["key"])
        ours[row["key"]] = area_figures(
            user=officer,
            area=area,
            period=MARCH,
            with_children=False,
            codes=[
                "response_rate",
                "resolution_rate",
                "satisfaction_rate",
                "on_time_rate",
                "cases_dispatched",
            ],
        ).total

    # then: the rates over the dispatched cohort are the same (returns, rework and the
    # score with its deductions count from the timeline, see the tests below)
    assert rows
    assert ours == {
        row["key"]: {
            "response_rate": row["response_rate"],
            "resolution_rate": row["resolution_rate"],
            "satisfaction_rate": row["satisfaction_rate"],
            "on_time_rate": row["on_time_rate"],
            "cases_dispatched": row["dispatched"],
        }
        for row in rows
    }


def test_department_ranking_rates_equal_the_kpi_table(data, officer):
    # given
    table = kpi_table(
        user=officer,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        group_by="department",
    )
    codes = ["response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate"]

    # when
    rows = department_ranking(user=officer, area=data.city, period=MARCH)

    # then
    assert sorted((row["department"].pk, *(row["values"][c] for c in codes)) for row in rows) == (
        sorted((row["key"], *(row[c] for c in codes)) for row in table)
    )
