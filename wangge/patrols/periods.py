"""Measuring periods: calendar months (care groups) and quarters (everybody else)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from wangge.core.errors import ApplicationError


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter"
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        return _("%(year)s年第%(quarter)s季度") % {
            "year": self.start.year, "quarter": (self.start.month - 1) // 3 + 1
        }

    def until(self, today: date) -> date:
        """Last day of the period that has begun (today for the running period)."""
        return min(self.end, today)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def month_of(day: date) -> Period:
    return Period("month", day.replace(day=1), _month_end(day.year, day.month))


def quarter_of(day: date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    return Period("quarter", date(day.year, first_month, 1), _month_end(day.year, first_month + 2))


def period_parse(value: str) -> Period:
    """``2026-05`` is a month, ``2026-Q2`` a quarter."""
    value = (value or "").strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return month_of(date(year, month, 1))
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, quarter = int(match[1]), int(match[2])
        if 2000 <= year <= 2100:
            return quarter_of(date(year, quarter * 3 - 2, 1))
    raise ApplicationError(_("统计周期格式应为 2026-05（月）或 2026-Q2（季度）"), field="period")
