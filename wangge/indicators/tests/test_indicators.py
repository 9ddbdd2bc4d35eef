"""Indicator values on the hand-checked data set of ``data.py``."""

import pytest

from wangge.indicators.definitions import INDICATORS
from wangge.indicators.periods import Period
from wangge.indicators.selectors import (
    area_figures,
    department_ranking,
    indicator_table,
    indicator_value,
    monthly_trend,
    sub_area_ranking,
)
from wangge.testing import Role, make_user

MARCH = Period(2026, 3)


@pytest.fixture
def officer(data):
    return make_user(Role.CITY_OFFICER, data.city, username="city-officer")


def test_city_registers(data, officer):
    # when
    figures = area_figures(user=officer, area=data.city, period=MARCH)

    # then
    expected = {
        "streets": 4,
        "communities": 8,
        "grids": 16,
        "grid_map_coverage": 100.0,
        "households": 5,
        "residents": 7,
        "households_per_grid": 0.3,
        "departments": 2,
        "grid_workers": 3,
        "households_per_worker": 1.7,
        "care_people": 3,
        "care_low_income": 2,
        "care_elderly_alone": 1,
        "care_disabled": 1,
        "care_drug_rehab": 0,
        "estates": 3,
        "property_coverage": 66.7,
        "buildings": 1,
    }
    assert {code: figures.total[code] for code in expected} == expected


def test_district_children_are_its_streets_with_their_own_figures(data, officer):
    # when
    figures = area_figures(
        user=officer,
        area=data.d1,
        period=MARCH,
        codes=["households", "residents", "care_people", "grid_workers", "estates"],
    )

    # then
    assert [(area.code, values) for area, values in figures.children] == [
        (
            data.s1.code,
            {"households": 3, "residents": 4, "care_people": 2, "grid_workers": 2, "estates": 2},
        ),
        (
            data.s2.code,
            {"households": 1, "residents": 2, "care_people": 1, "grid_workers": 0, "estates": 1},
        ),
    ]
    assert figures.total == {
        "households": 4,
        "residents": 6,
        "care_people": 3,
        "grid_workers": 2,
        "estates": 3,
    }


def test_a_worker_on_two_grids_counts_once_above_them(data, officer):
    # when
    figures = area_figures(user=officer, area=data.s1, period=MARCH, codes=["grid_workers"])

    # then: C1 has w1 and w2, C2 has w2; the street has two people, not three
    assert [values["grid_workers"] for _, values in figures.children] == [2, 1]
    assert figures.total["grid_workers"] == 2


def test_cases_of_march_in_the_city(data, officer):
    # when
    values = area_figures(user=officer, area=data.city, period=MARCH, with_children=False).total

    # then
    expected = {
        "cases_received": 5,
        "cases_from_grid_worker": 2,
        "cases_from_resident": 2,
        "cases_from_hotline": 1,
        "cases_rejected": 1,
        "cases_open": 3,
        "cases_overdue": 2,
        "cases_dispatched": 4,
        "response_rate": 50.0,
        "resolution_rate": 75.0,
        "on_time_rate": 50.0,
        "satisfaction_rate": 66.7,
        # 1 failed check of 4; 1 return of 5 dispatches (B returned c3)
        "rework_rate": 25.0,
        "return_rate": 20.0,
        # 30/35/35 of 50, 75, 66.7 = 64.6, less 20 × 50 % late, 20 × 1/5 returned,
        # 20 × 1/4 failed checks
        "composite_score": 45.6,
        "summonses": 1,
        "summons_calls": 2,
        "checkin_on_time_rate": 50.0,
        "checkin_minutes": 40.0,
        "summons_rating": 3.0,
    }
    assert {code: values[code] for code in expected} == expected


def test_street_kpis_and_composite_of_its_communities(data, officer):
    # when
    figures = area_figures(
        user=officer,
        area=data.s1,
        period=MARCH,
        codes=[
            "response_rate",
            "resolution_rate",
            "on_time_rate",
            "satisfaction_rate",
            "composite_score",
        ],
    )

    # then
    assert figures.total == {
        "response_rate": 33.3,
        "resolution_rate": 66.7,
        "on_time_rate": 33.3,
        "satisfaction_rate": 50.0,
        # 50.8 less 20 × 66.7 % late, 20 × 1/4 dispatches returned, 20 × 1/3 checks failed
        "composite_score": 25.8,
    }
    assert [values for _, values in figures.children] == [
        {
            "response_rate": 50.0,
            "resolution_rate": 100.0,
            "on_time_rate": 50.0,
            "satisfaction_rate": 50.0,
            # 67.5 less 20 × 50 % late and 20 × 1/3 failed checks
            "composite_score": 50.8,
        },
        # nothing rated: the composite re-weights response and resolution
        {
            "response_rate": 0.0,
            "resolution_rate": 0.0,
            "on_time_rate": 0.0,
            "satisfaction_rate": None,
            # 0 less deductions: never below 0
            "composite_score": 0.0,
        },
    ]


def test_department_ranking_by_composite_score(data, officer):
    # when
    rows = department_ranking(user=officer, area=data.city, period=MARCH)

    # then
    assert [
        (
            row["rank"],
            row["department"].name,
            row["values"]["composite_score"],
            row["values"]["cases_dispatched"],
            row["values"]["summons_rating"],
        )
        for row in rows
    ] == [
        # 100 less 20 × 1/2 of its dispatches returned (it returned c3)
        (1, "住建局", 90.0, 1, 2.0),
        # 50.8 less 20 × 66.7 % late and 20 × 1/3 of its results failing the check
        (2, "城管局", 30.8, 3, 4.0),
    ]


def test_department_ranking_counts_only_cases_inside_the_area(data, officer):
    # when: district 2 only has c5, handled by 住建局
    rows = department_ranking(user=officer, area=data.d2, period=MARCH)

    # then
    assert [(row["department"].name, row["values"]["cases_dispatched"]) for row in rows] == [
        ("住建局", 1)
    ]


def test_sub_area_ranking_orders_communities_by_composite(data, officer):
    # when
    rows = sub_area_ranking(user=officer, area=data.s1, period=MARCH, rank_by="composite_score")

    # then
    assert [(row["rank"], row["area"].code, row["values"]["composite_score"]) for row in rows] == [
        (1, data.c1.code, 50.8),
        (2, data.c2.code, 0.0),
    ]


def test_lower_is_better_ranks_the_smallest_first(data, officer):
    # when: overdue open cases, fewer is better
    rows = sub_area_ranking(user=officer, area=data.city, period=MARCH, rank_by="cases_overdue")

    # then
    assert [(row["rank"], row["area"].code, row["values"]["cases_overdue"]) for row in rows] == [
        (1, data.d2.code, 0),
        (2, data.d1.code, 2),
    ]


def test_patrols_and_visits_of_march(data, officer):
    # when
    city = indicator_table(
        user=officer,
        area=data.city,
        period=MARCH,
        codes=[
            "patrols",
            "visits",
            "visits_in_person_rate",
            "care_visit_rate",
            "household_visit_rate",
            "patrol_rate",
        ],
    )
    grid = indicator_value(user=officer, area=data.g[0], period=MARCH, code="patrol_rate")

    # then: 3 patrol days over 16 grids × 22 working days; g0 has 2 of 22
    assert {row["code"]: row["value"] for row in city} == {
        "patrols": 4,
        "visits": 3,
        "visits_in_person_rate": 66.7,
        "care_visit_rate": 33.3,
        "household_visit_rate": 50.0,
        "patrol_rate": 4.5,  # 3 patrol days / (3 staffed grids × 22 working days)
    }
    assert grid == 9.1


def test_monthly_trend_counts_each_month_once(data, officer):
    # when
    trend = monthly_trend(
        user=officer,
        area=data.city,
        period=MARCH,
        codes=["cases_received", "cases_dispatched", "composite_score", "residents"],
        months=3,
    )

    # then: stock figures (residents) have no history and are left out; February's c6 was
    # signed on time but is not resolved and not rated: (30 × 100 + 35 × 0) / 65 = 46.2,
    # less 20 for being late
    assert trend == {
        "months": ["2026-01", "2026-02", "2026-03"],
        "series": {
            "cases_received": [0, 1, 5],
            "cases_dispatched": [0, 1, 4],
            "composite_score": [None, 26.2, 45.6],
        },
    }


def test_a_flow_indicator_counts_only_its_month(data, officer):
    # when
    february = indicator_value(
        user=officer, area=data.city, period=Period(2026, 2), code="cases_received"
    )
    april = indicator_value(
        user=officer, area=data.city, period=Period(2026, 4), code="cases_received"
    )

    # then
    assert (february, april) == (1, 0)


def test_every_indicator_has_names_and_a_unit():
    # then
    assert all(ind.name_zh and ind.name_en and ind.unit for ind in INDICATORS.values())
    assert len({ind.name_zh for ind in INDICATORS.values()}) == len(INDICATORS)
