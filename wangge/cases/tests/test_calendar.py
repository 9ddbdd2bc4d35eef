"""Deadlines in working time on the Chinese calendar, adjusted working days included."""

from datetime import date, timedelta

import pytest

from wangge.cases.calendar import (
    add_working_minutes,
    calendar_missing_years,
    calendar_seed_from_package,
    calendar_status,
    is_workday,
    next_working_day_end,
    working_minutes_between,
)
from wangge.cases.models import CalendarDay, Category, SlaPolicy
from wangge.cases.services import case_transition
from wangge.testing.cases import CaseFactory
from wangge.testing.clock import local

DAY = 24 * 60


@pytest.mark.django_db
def test_seeded_arrangement_for_2025_national_day():
    # given the migration seeded the official arrangement
    # then: the holiday weekdays rest and the adjusted weekend days work
    assert is_workday(date(2025, 10, 1)) is False
    assert is_workday(date(2025, 10, 8)) is False
    assert is_workday(date(2025, 9, 28)) is True  # Sunday, adjusted working day
    assert is_workday(date(2025, 10, 11)) is True  # Saturday, adjusted working day
    assert is_workday(date(2025, 10, 12)) is False  # plain Sunday
    assert is_workday(date(2025, 10, 9)) is True


@pytest.mark.django_db
def test_seven_working_days_across_national_day_2025():
    # given a case dispatched the day before National Day, Tuesday 10:00
    start = local(2025, 9, 30, 10)
    # when
    due = add_working_minutes(start, 7 * DAY)
    # then: 14 h on 30 Sep; 9, 10, 11 (adjusted Saturday), 13, 14, 15 Oct; 10 h on 16 Oct
    assert due == local(2025, 10, 16, 10)
    assert add_working_minutes(start, DAY) == local(2025, 10, 9, 10)
    assert working_minutes_between(start, due) == 7 * DAY


@pytest.mark.django_db
def test_adjusted_sunday_counts():
    # given Saturday noon before the adjusted Sunday 28 Sep 2025
    start = local(2025, 9, 27, 12)
    # when
    due = add_working_minutes(start, DAY)
    # then: Saturday rests, Sunday 28 works in full
    assert due == local(2025, 9, 29, 0)


@pytest.mark.django_db
def test_spring_festival_2026():
    # given Friday 13 Feb 2026, the eve of the adjusted working Saturday 14 Feb
    start = local(2026, 2, 13, 9)
    # when
    due = add_working_minutes(start, 3 * DAY)
    # then: 15 h on 13th, 14th (adjusted) in full, 15–23 off, 24th in full, 25th until 09:00
    assert due == local(2026, 2, 25, 9)
    assert next_working_day_end(local(2026, 2, 13, 18)) == local(2026, 2, 15, 0)
    assert next_working_day_end(local(2026, 2, 14, 18)) == local(2026, 2, 25, 0)


@pytest.mark.django_db
def test_dispatch_sets_deadlines_across_the_holiday(world, frozen):
    # given
    case = CaseFactory.accepted(world)
    frozen(local(2025, 9, 30, 10))
    # when
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then: normal priority — sign within 1 working day, resolve within 7
    assert case.sign_due_at == local(2025, 10, 9, 10)
    assert case.resolve_due_at == local(2025, 10, 16, 10)


@pytest.mark.django_db
def test_urgent_deadline_is_clock_time(world, frozen):
    # given an urgent case dispatched on a holiday
    case = CaseFactory.accepted(world, priority="urgent")
    frozen(local(2025, 10, 3, 22))
    # when
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then: danger to life does not wait for working days
    assert case.sign_due_at == local(2025, 10, 3, 22, 30)
    assert case.resolve_due_at == local(2025, 10, 4, 0)


@pytest.mark.django_db
def test_category_policy_overrides_default(world, frozen):
    # given 3 working days for the 公用设施 class
    SlaPolicy.objects.create(
        category=Category.objects.get(code="C01"),
        priority="normal",
        sign_minutes=60,
        resolve_minutes=3 * DAY,
    )
    case = CaseFactory.accepted(world)
    frozen(local(2025, 9, 30, 10))
    # when
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then: 14 h on 30 Sep, 9 and 10 Oct, 10 h on the adjusted Saturday 11 Oct
    assert case.sign_due_at == local(2025, 9, 30, 11)
    assert case.resolve_due_at == local(2025, 10, 11, 10)


@pytest.mark.django_db
def test_suspended_time_does_not_count(world, frozen):
    # given a case dispatched Monday 1 Dec 2025, suspended Tuesday 10:00
    frozen(local(2025, 12, 1, 10))
    case = CaseFactory.in_progress(world)
    due = case.resolve_due_at
    assert due == local(2025, 12, 10, 10)
    frozen(local(2025, 12, 2, 10))
    case_transition(
        actor=world.community_staff, case_id=case.pk, action="suspend", reason="等待管网改造"
    )
    # when: resumed Friday 10:00, three working days later
    frozen(local(2025, 12, 5, 10))
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="resume")
    # then
    assert case.status == "in_progress"
    assert case.resolve_due_at == local(2025, 12, 15, 10)
    assert (case.paused_at, case.paused_status) == (None, "")


@pytest.mark.django_db
def test_year_without_data_falls_back_to_weekends_until_entered():
    # given no arrangement for 2027 (chinese_calendar stops at 2026)
    assert calendar_missing_years(today=date(2026, 12, 1)) == [2027]
    status = calendar_status(today=date(2026, 12, 1))
    assert status[0] == {"year": 2026, "has_data": True, "message": "2026 年节假日安排已录入"}
    assert status[1]["has_data"] is False
    assert "暂按周末计算" in status[1]["message"]
    # when: New Year's Day 2027 is a Friday, counted as a working day for now
    start = local(2027, 1, 1, 10)
    assert add_working_minutes(start, DAY) == local(2027, 1, 4, 10)
    # then: once an administrator enters it, it rests
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert add_working_minutes(start, DAY) == local(2027, 1, 5, 0)
    assert calendar_missing_years(today=date(2026, 12, 1)) == []


@pytest.mark.django_db
def test_seed_is_idempotent():
    # given the migration already seeded the package's years
    before = CalendarDay.objects.count()
    # when
    added = calendar_seed_from_package()
    # then: only the years before 2020 (not seeded by the migration) are new
    assert added == CalendarDay.objects.count() - before
    assert calendar_seed_from_package() == 0


def test_working_minutes_between_empty_interval():
    start = local(2025, 10, 1, 10)
    assert working_minutes_between(start, start - timedelta(hours=1)) == 0
    assert add_working_minutes(start, 0) == start
