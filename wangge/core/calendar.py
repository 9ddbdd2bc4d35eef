"""Working time on the Chinese calendar.

A working day is Monday–Friday unless the official arrangement says otherwise: statutory
holidays fall on weekdays, and "adjusted working days" (调休) fall on weekends. Each
exception is a ``CalendarDay`` row. The rows are seeded from the ``chinese_calendar``
package (which knows the arrangements it was released with) and administrators add each
new year when the State Council publishes it. A year with no row at all has no data:
we fall back to plain weekends and the settings page says so (``calendar_status``).

Working time is counted in whole local (Asia/Shanghai) days: "7 working days" from
Tuesday 10:00 ends at 10:00 seven working days later, skipping rest days entirely.
"""

from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext

from wangge.core import clock

# The exception rows live in the cases app's table (``cases.CalendarDay``, edited on its
# admin page); core looks the model up by name and imports no app.
CALENDAR_MODEL = "cases.CalendarDay"
LOCAL_TZ = clock.LOCAL_TZ
DAY_MINUTES = 24 * 60

# English names used by chinese_calendar → the names people read.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _calendar_model():
    return apps.get_model(CALENDAR_MODEL)


def _calendar_days():
    return _calendar_model().objects


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def exceptions_between(start: date, end: date) -> dict[date, bool]:
    """Official exceptions in [start, end]: date → is it a working day."""
    return dict(
        _calendar_days().filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    )


def is_workday(day: date, exceptions: dict[date, bool] | None = None) -> bool:
    if exceptions is None:
        exceptions = exceptions_between(day, day)
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def working_days(start: date, end: date) -> list[date]:
    """The working days in [start, end], in order."""
    if end < start:
        return []
    exceptions = exceptions_between(start, end)
    days = (end - start).days + 1
    return [
        start + timedelta(days=offset)
        for offset in range(days)
        if is_workday(start + timedelta(days=offset), exceptions)
    ]


class _WorkdayOracle:
    """Answers ``is_workday`` for a moving window, loading exceptions in chunks."""

    CHUNK_DAYS = 120

    def __init__(self, first: date):
        self._loaded_from = first
        self._loaded_to = first - timedelta(days=1)
        self._exceptions: dict[date, bool] = {}

    def __call__(self, day: date) -> bool:
        if day > self._loaded_to:
            start = max(self._loaded_to + timedelta(days=1), day)
            end = start + timedelta(days=self.CHUNK_DAYS)
            self._exceptions.update(exceptions_between(start, end))
            self._loaded_to = end
        return is_workday(day, self._exceptions)


def add_working_minutes(start: datetime, minutes: int) -> datetime:
    """The instant ``minutes`` of working time after ``start`` (rest days do not count)."""
    if minutes <= 0:
        return start
    oracle = _WorkdayOracle(start.astimezone(LOCAL_TZ).date())
    cursor = start.astimezone(LOCAL_TZ)
    remaining = timedelta(minutes=minutes)
    day = cursor.date()
    for _ in range(3660):  # ten years: a guard against a calendar with no working days
        day_end = _local_midnight(day + timedelta(days=1))
        if oracle(day):
            available = day_end - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(start.tzinfo)
            remaining -= available
        day += timedelta(days=1)
        cursor = day_end
    raise ValueError("no working days in the next ten years")


def working_minutes_between(start: datetime, end: datetime) -> int:
    """Working minutes in [start, end) (0 if end is not after start)."""
    if end <= start:
        return 0
    oracle = _WorkdayOracle(start.astimezone(LOCAL_TZ).date())
    cursor = start.astimezone(LOCAL_TZ)
    end_local = end.astimezone(LOCAL_TZ)
    total = timedelta(0)
    while cursor < end_local:
        day = cursor.date()
        day_end = _local_midnight(day + timedelta(days=1))
        if oracle(day):
            total += min(day_end, end_local) - cursor
        cursor = day_end
    return int(total.total_seconds() // 60)


def next_working_day_end(start: datetime) -> datetime:
    """Midnight at the end of the first working day after the day of ``start``."""
    oracle = _WorkdayOracle(start.astimezone(LOCAL_TZ).date())
    day = start.astimezone(LOCAL_TZ).date() + timedelta(days=1)
    while not oracle(day):
        day += timedelta(days=1)
    return _local_midnight(day + timedelta(days=1)).astimezone(start.tzinfo)


def covered_years() -> set[int]:
    """Years for which an official arrangement has been entered."""
    return {d.year for d in _calendar_days().dates("date", "year")}


def calendar_year_has_data(year: int) -> bool:
    return _calendar_days().filter(date__year=year).exists()


def calendar_status(*, today: date | None = None) -> list[dict]:
    """This year and next: whether the official arrangement is known.

    For the settings page: a year without data is counted with weekends only, and the
    page should ask an administrator to enter the State Council's arrangement.
    """
    today = today or clock.today()
    years = covered_years()
    return [
        {
            "year": year,
            "has_data": year in years,
            "message": (
                gettext("%(year)s 年节假日安排已录入") % {"year": year}
                if year in years
                else gettext(
                    "%(year)s 年尚未录入国务院节假日安排，暂按周末计算工作日，请管理员录入"
                )
                % {"year": year}
            ),
        }
        for year in (today.year, today.year + 1)
    ]


def calendar_missing_years(*, today: date | None = None) -> list[int]:
    return [row["year"] for row in calendar_status(today=today) if not row["has_data"]]


def calendar_rows_from_package(years: set[int] | None = None) -> list[tuple[date, bool, str]]:
    """(date, is_workday, name) for every exception ``chinese_calendar`` knows."""
    from chinese_calendar.constants import holidays, workdays

    rows = []
    for day, name in holidays.items():
        if years is None or day.year in years:
            rows.append((day, False, HOLIDAY_NAMES.get(name, name)))
    for day, name in workdays.items():
        if years is None or day.year in years:
            rows.append((day, True, f"{HOLIDAY_NAMES.get(name, name)}调休上班"))
    return sorted(rows)


@transaction.atomic
def calendar_seed_from_package(*, years: set[int] | None = None) -> int:
    """Insert the package's arrangements for dates not entered yet; returns rows added."""
    rows = calendar_rows_from_package(years)
    existing = set(
        _calendar_days().filter(date__in=[row[0] for row in rows]).values_list("date", flat=True)
    )
    new = [
        _calendar_model()(date=day, is_workday=workday, name=name[:30])
        for day, workday, name in rows
        if day not in existing
    ]
    _calendar_days().bulk_create(new)
    return len(new)
