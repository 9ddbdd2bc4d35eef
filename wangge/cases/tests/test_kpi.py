"""The KPI table on a small set checked by hand."""

from datetime import date, datetime

import pytest

from wangge.cases.kpi import composite_score, kpi_table
from wangge.cases.models import Case, Evaluation, KpiWeights, Status
from wangge.core import clock
from wangge.testing.cases import CaseFactory

TZ = clock.LOCAL_TZ
NOW = datetime(2026, 11, 30, 12, tzinfo=TZ)
NOV_START, NOV_END = date(2026, 11, 1), date(2026, 11, 30)


def _shape(case: Case, **fields) -> None:
    """Put a dispatched case into a hand-made final state (the data set, not the workflow)."""
    Case.objects.filter(pk=case.pk).update(**fields)


def _at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


@pytest.fixture
def data_set(world):
    """Four November cases of 城管局 in the world's street, plus noise that must not count.

    1. signed on time, resolved on time, closed; rated satisfied
    2. signed on time, resolved late, verified, reworked once; rated unsatisfied then basic
    3. signed late, still in progress past its deadline, returned once
    4. not signed yet, deadline in the future
    """
    cases = [CaseFactory.dispatched(world) for _ in range(4)]
    due = {"sign_due_at": _at(3), "resolve_due_at": _at(10)}
    _shape(
        cases[0],
        dispatched_at=_at(2),
        **due,
        signed_at=_at(2, 15),
        resolved_at=_at(5),
        status=Status.CLOSED,
    )
    _shape(
        cases[1],
        dispatched_at=_at(2),
        **due,
        signed_at=_at(3, 9),
        resolved_at=_at(12),
        status=Status.VERIFIED,
        rework_count=1,
    )
    _shape(
        cases[2],
        dispatched_at=_at(2),
        **due,
        signed_at=_at(4),
        status=Status.IN_PROGRESS,
        return_count=1,
    )
    _shape(cases[3], dispatched_at=_at(28), sign_due_at=_at(29), resolve_due_at=_at(9, 10, 12))
    Evaluation.objects.create(case=cases[0], rating="satisfied", at=_at(6))
    Evaluation.objects.create(case=cases[1], rating="unsatisfied", at=_at(13))
    Evaluation.objects.create(case=cases[1], rating="basic", at=_at(20))
    # noise: dispatched in October; and a case in another district
    october = CaseFactory.dispatched(world)
    _shape(october, dispatched_at=_at(15, month=10))
    elsewhere = CaseFactory.reported(world, grid=world.other_grid)
    _shape(
        elsewhere,
        status=Status.DISPATCHED,
        handler_department=world.department,
        dispatched_at=_at(5),
        **due,
    )
    return cases, elsewhere


def test_department_rates_by_hand(world, data_set):
    # when
    table = kpi_table(
        user=world.district_officer,
        period_start=NOV_START,
        period_end=NOV_END,
        group_by="department",
        now=NOW,
    )
    # then
    assert table == [
        {
            "key": world.department.pk,
            "name": "城管局",
            "dispatched": 4,
            "resolved": 2,
            "rated": 3,
            "response_rate": 50.0,  # cases 1, 2 signed by the deadline
            "resolution_rate": 50.0,  # cases 1, 2
            "satisfaction_rate": 66.7,  # satisfied + basic of three ratings
            "on_time_rate": 33.3,  # case 1 of (2 resolved + case 3 open and late)
            "rework_rate": 25.0,
            "return_rate": 25.0,
            "composite": 55.8,  # 0.30·50 + 0.35·50 + 0.35·66.7
        }
    ]


def test_city_officer_sees_the_other_district_too(world, data_set):
    # when
    table = kpi_table(
        user=world.city_officer,
        period_start=NOV_START,
        period_end=NOV_END,
        group_by="district",
        now=NOW,
    )
    # then
    assert [(row["name"], row["dispatched"]) for row in table] == [("第1区", 4), ("第2区", 1)]


def test_street_grouping_and_scope(world, data_set):
    # when: the district officer's table leaves out the other district's case
    table = kpi_table(
        user=world.district_officer,
        period_start=NOV_START,
        period_end=NOV_END,
        group_by="street",
        now=NOW,
    )
    # then
    assert [(row["key"], row["name"], row["dispatched"]) for row in table] == [
        (world.street.path, world.street.name, 4)
    ]
    other = kpi_table(
        user=world.other_community_staff,
        period_start=NOV_START,
        period_end=NOV_END,
        group_by="street",
        now=NOW,
    )
    assert other == []


def test_weights_are_configurable(world, data_set):
    # given
    KpiWeights.objects.update(response=50, resolution=50, satisfaction=0)
    # when
    (row,) = kpi_table(
        user=world.district_officer, period_start=NOV_START, period_end=NOV_END, now=NOW
    )
    # then
    assert row["composite"] == 50.0


def test_composite_renormalises_missing_rates():
    assert composite_score(
        response=80.0, resolution=60.0, satisfaction=None, weights=(30, 35, 35)
    ) == pytest.approx(69.2)
    assert (
        composite_score(response=None, resolution=None, satisfaction=None, weights=(30, 35, 35))
        is None
    )


def test_period_is_local_dates_inclusive(world, data_set):
    # when: only 28 Nov (case 4)
    (row,) = kpi_table(
        user=world.district_officer,
        period_start=date(2026, 11, 28),
        period_end=date(2026, 11, 28),
        now=NOW,
    )
    # then
    assert row["dispatched"] == 1
    assert row["response_rate"] == 0.0
    assert row["satisfaction_rate"] is None
    assert row["on_time_rate"] is None
