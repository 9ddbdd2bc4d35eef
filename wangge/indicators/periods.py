"""Reporting periods: calendar months in local time (Asia/Shanghai)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import get_language

from wangge.core import clock

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def current(cls) -> "Period":
        today = clock.today()
        return cls(today.year, today.month)

    @classmethod
    def parse(cls, value: str | None, *, default: "Period | None" = None) -> "Period":
        """``YYYY-MM``; anything else (or a month in the future) gives ``default``/current."""
        fallback = default or cls.current()
        match = _PERIOD_RE.match((value or "").strip())
        if not match:
            return fallback
        year, month = int(match.group(1)), int(match.group(2))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return fallback
        period = cls(year, month)
        return fallback if period > cls.current() else period

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en"):
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> "Period":
        return Period(self.year + (self.month == 12), self.month % 12 + 1)

    @property
    def previous(self) -> "Period":
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def start(self) -> datetime:
        """Local midnight of the first day (aware)."""
        return datetime.combine(self.first_day, time(0), tzinfo=clock.LOCAL_TZ)

    @property
    def end(self) -> datetime:
        """Local midnight of the first day of the next month (exclusive)."""
        return self.next.start

    def back(self, months: int) -> "Period":
        period = self
        for _ in range(months):
            period = period.previous
        return period


def last_months(period: Period, count: int) -> list[Period]:
    """``count`` months ending with ``period``, oldest first."""
    return [period.back(n) for n in range(count - 1, -1, -1)]
