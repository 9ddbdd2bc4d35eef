"""The shared working calendar (wangge.core.calendar): official exceptions decide."""

from datetime import date

import pytest
from django.apps import apps

from wangge.core.calendar import CALENDAR_MODEL, is_workday, working_days

pytestmark = pytest.mark.django_db


def test_working_days_follow_the_official_exceptions():
    # given a week of June 2026 with a weekday holiday and a weekend working day
    days = apps.get_model(CALENDAR_MODEL).objects
    days.filter(date__gte=date(2026, 6, 1), date__lte=date(2026, 6, 7)).delete()
    days.create(date=date(2026, 6, 5), is_workday=False, name="假日")  # Friday
    days.create(date=date(2026, 6, 6), is_workday=True, name="调休上班")  # Saturday
    # when the working days of the week are listed
    listed = working_days(date(2026, 6, 1), date(2026, 6, 7))
    # then the holiday is out and the adjusted Saturday is in
    assert [day.day for day in listed] == [1, 2, 3, 4, 6]
    assert is_workday(date(2026, 6, 6)) is True
    assert working_days(date(2026, 6, 7), date(2026, 6, 1)) == []
