"""Visit cadence: the strongest tag wins, windows follow the last completed visit, the lists
are derived by query — including when tags change, visits fall outside the window and
households move between grids."""

from datetime import date

import pytest
from django.test import override_settings

from wangge.patrols.models import Visit, VisitOutcome
from wangge.patrols.selectors import household_window, visit_due_lists
from wangge.patrols.services import visit_record
from wangge.people.models import CareTag
from wangge.people.services import household_move
from wangge.testing.clock import at
from wangge.testing.patrols import TODAY, household, visit


def due_ids(lists) -> dict[str, list[int]]:
    return {
        "overdue": [item.household.id for item in lists.overdue],
        "today": [item.household.id for item in lists.due_today],
        "week": [item.household.id for item in lists.due_this_week],
    }


def test_strongest_tag_of_any_resident_decides_the_cadence(world):
    # given a household with a monthly-tagged and a weekly-tagged resident
    home = household(world.g1, tags=("low_income",))
    other = home.residents.create(name="李四", gender="female", area_path=home.area_path)
    other.care_tags.set(CareTag.objects.filter(code="elderly_80_alone"))
    visit(home, world.worker_a, date(2026, 6, 1))

    # when
    window = household_window(household=home)

    # then weekly wins: due 7 days after the last visit, window 2 days early to 2 days late
    assert window.cadence == "weekly"
    assert (window.earliest, window.due, window.latest) == (
        date(2026, 6, 6),
        date(2026, 6, 8),
        date(2026, 6, 10),
    )
    assert window.status(TODAY) == "due"


def test_household_without_tags_is_quarterly_and_anchored_on_registration(world):
    # given a household registered on 1 April and never visited
    home = household(world.g1, registered=date(2026, 4, 1))

    # when
    window = household_window(household=home)

    # then
    assert window.cadence == "quarterly"
    assert (window.anchor, window.due, window.earliest, window.latest) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2026, 6, 15),
        date(2026, 7, 10),
    )


def test_due_lists_split_overdue_today_and_this_week(world):
    # given four monthly households of worker A's grid, last visited at different dates
    overdue = household(world.g1, tags=("low_income",))
    visit(overdue, world.worker_a, date(2026, 5, 5))  # due 6-04, latest 6-09
    due_today = household(world.g1, tags=("low_income",))
    visit(due_today, world.worker_a, date(2026, 5, 9))  # due 6-08, latest 6-13
    this_week = household(world.g1, tags=("low_income",))
    visit(this_week, world.worker_a, date(2026, 5, 14))  # due 6-13 (Saturday)
    later = household(world.g1, tags=("low_income",))
    visit(later, world.worker_a, date(2026, 5, 20))  # due 6-19
    elsewhere = household(world.g2, tags=("low_income",))
    visit(elsewhere, world.worker_b, date(2026, 5, 5))

    # when
    lists = visit_due_lists(worker=world.worker_a)

    # then
    assert due_ids(lists) == {
        "overdue": [overdue.id],
        "today": [due_today.id],
        "week": [this_week.id],
    }


def test_tag_added_mid_period_tightens_the_window_at_once(world):
    # given a quarterly household visited 40 days ago: not due
    home = household(world.g1)
    visit(home, world.worker_a, date(2026, 5, 1))
    assert due_ids(visit_due_lists(worker=world.worker_a)) == {
        "overdue": [],
        "today": [],
        "week": [],
    }

    # when its resident is tagged low-income (monthly)
    home.residents.get().care_tags.set(CareTag.objects.filter(code="low_income"))

    # then it is monthly now and overdue (due 5-31, latest 6-05)
    window = household_window(household=home)
    assert (window.cadence, window.due, window.latest) == (
        "monthly",
        date(2026, 5, 31),
        date(2026, 6, 5),
    )
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == [home.id]

    # and when the tag is removed again it relaxes back to quarterly
    home.residents.get().care_tags.clear()
    assert household_window(household=home).cadence == "quarterly"
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == []


def test_early_visit_counts_and_restarts_the_window(world):
    # given a monthly household visited on 6-01: window 6-24 … 7-06
    home = household(world.g1, tags=("low_income",))
    visit(home, world.worker_a, date(2026, 6, 1))

    # when worker A visits again today, before the window opens
    recorded = visit_record(
        actor=world.worker_a,
        household_id=home.id,
        mode="phone",
        outcome=VisitOutcome.NORMAL,
        at=at(TODAY),
    )

    # then the visit is kept as early and the next window runs from today
    assert (recorded.timing, recorded.cadence, recorded.window_due) == (
        "early",
        "monthly",
        date(2026, 7, 1),
    )
    assert household_window(household=home).due == date(2026, 7, 10)


def test_late_visit_is_marked_late_and_clears_the_overdue_entry(world):
    # given a weekly household last visited 5-20: overdue since 5-30
    home = household(world.g1, tags=("elderly_80_alone",))
    visit(home, world.worker_a, date(2026, 5, 20))
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == [home.id]

    # when
    recorded = visit_record(
        actor=world.worker_a, household_id=home.id, mode="in_person", outcome=VisitOutcome.NORMAL
    )

    # then
    assert (recorded.timing, recorded.window_due) == ("late", date(2026, 5, 27))
    assert due_ids(visit_due_lists(worker=world.worker_a)) == {
        "overdue": [],
        "today": [],
        "week": [],
    }
    assert household_window(household=home).due == date(2026, 6, 17)


def test_visit_where_nobody_was_met_does_not_move_the_window(world):
    # given an overdue monthly household
    home = household(world.g1, tags=("low_income",))
    visit(home, world.worker_a, date(2026, 5, 1))

    # when nobody is met today
    recorded = visit_record(
        actor=world.worker_a, household_id=home.id, mode="in_person", outcome=VisitOutcome.NOT_MET
    )

    # then the visit is kept, the household stays overdue
    assert recorded.timing == "late"
    assert household_window(household=home).anchor == date(2026, 5, 1)
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == [home.id]


def test_visit_made_offline_yesterday_is_dated_yesterday(world):
    # given
    home = household(world.g1, tags=("low_income",))

    # when a visit recorded on the phone yesterday arrives today
    recorded = visit_record(
        actor=world.worker_a,
        household_id=home.id,
        mode="in_person",
        outcome=VisitOutcome.NORMAL,
        at=at(date(2026, 6, 9), 16),
    )

    # then
    assert recorded.date == date(2026, 6, 9)
    assert household_window(household=home).anchor == date(2026, 6, 9)


@override_settings(WANGGE_VISIT_CADENCE={"monthly": {"interval": 20, "grace": 0}})
def test_cadence_lengths_are_configurable(world):
    # given
    home = household(world.g1, tags=("low_income",))
    visit(home, world.worker_a, date(2026, 5, 20))

    # when
    window = household_window(household=home)

    # then the configured interval and grace apply, the default early days stay
    assert (window.earliest, window.due, window.latest) == (
        date(2026, 6, 2),
        date(2026, 6, 9),
        date(2026, 6, 9),
    )
    assert window.status(TODAY) == "overdue"


def test_household_moving_between_grids_moves_its_future_visits(world):
    # given an overdue monthly household of worker A's grid, visited by A in May
    home = household(world.g1, tags=("low_income",))
    old = visit(home, world.worker_a, date(2026, 5, 1))
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == [home.id]

    # when the community moves it to worker B's grid
    household_move(actor=world.staff, household=home, grid=world.g2)

    # then it is on B's list with its window continuing from A's visit, gone from A's
    assert due_ids(visit_due_lists(worker=world.worker_a))["overdue"] == []
    lists = visit_due_lists(worker=world.worker_b)
    assert due_ids(lists)["overdue"] == [home.id]
    assert lists.overdue[0].window.anchor == date(2026, 5, 1)
    # and the history stays where it happened
    old.refresh_from_db()
    assert (old.worker_id, old.grid_id, old.area_path) == (
        world.worker_a.id,
        world.g1.id,
        world.g1.path,
    )


def test_worker_can_no_longer_record_a_visit_after_the_household_moved(world):
    # given
    home = household(world.g1, tags=("low_income",))
    household_move(actor=world.staff, household=home, grid=world.g2)

    # when / then
    from wangge.core.errors import NotFoundOrForbidden

    with pytest.raises(NotFoundOrForbidden) as refused:
        visit_record(
            actor=world.worker_a, household_id=home.id, mode="phone", outcome=VisitOutcome.NORMAL
        )
    assert refused.value.message == "未找到该户，或该户已不在您负责的网格内"
    assert Visit.objects.count() == 0


def test_overdue_counts_lists_and_pages_agree_at_the_boundaries(world):
    # given households of g1 around their overdue thresholds on 6-10
    # (monthly: last visit before 5-06; weekly: before 6-01; quarterly: before 3-02)
    from wangge.patrols.selectors import overdue_counts_by_grid, overdue_households_in

    expected = set()
    late_monthly = household(world.g1, tags=("low_income",))
    visit(late_monthly, world.worker_a, date(2026, 5, 5))
    expected.add(late_monthly.id)
    nobody_met = household(world.g1, tags=("low_income",))
    visit(nobody_met, world.worker_a, date(2026, 5, 1))
    visit(nobody_met, world.worker_a, date(2026, 6, 1), outcome=VisitOutcome.NOT_MET)
    expected.add(nobody_met.id)
    visit(household(world.g1, tags=("low_income",)), world.worker_a, date(2026, 5, 6))
    household(world.g1, tags=("low_income",), registered=date(2026, 5, 6))
    never = household(world.g1, tags=("low_income",), registered=date(2026, 5, 5))
    expected.add(never.id)
    old_quarterly = household(world.g1)
    visit(old_quarterly, world.worker_a, date(2026, 3, 1))
    expected.add(old_quarterly.id)
    visit(household(world.g1), world.worker_a, date(2026, 3, 2))
    visit(household(world.g1, tags=("elderly_80_alone",)), world.worker_a, date(2026, 6, 1))
    late_weekly = household(world.g1, tags=("elderly_80_alone",))
    visit(late_weekly, world.worker_a, date(2026, 5, 31))
    expected.add(late_weekly.id)

    # when
    counts = overdue_counts_by_grid(user=world.staff)
    listed = {item.household.id for item in visit_due_lists(worker=world.worker_a).overdue}
    paged = {h.id for h in overdue_households_in(user=world.staff, area=world.g1)}

    # then all three give the same five households
    assert [(grid.code, total) for grid, total in counts] == [(world.g1.code, 5)]
    assert listed == paged == expected
