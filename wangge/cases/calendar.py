"""Moved to ``wangge.core.calendar`` (the working calendar is shared by every domain);
this module re-exports it so existing imports keep working."""

from wangge.core.calendar import (  # noqa: F401
    DAY_MINUTES,
    HOLIDAY_NAMES,
    LOCAL_TZ,
    add_working_minutes,
    calendar_missing_years,
    calendar_rows_from_package,
    calendar_seed_from_package,
    calendar_status,
    calendar_year_has_data,
    covered_years,
    exceptions_between,
    is_workday,
    next_working_day_end,
    working_days,
    working_minutes_between,
)
