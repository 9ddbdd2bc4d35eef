"""Reporting months in local time."""

from datetime import datetime

import pytest

from wangge.core import clock
from wangge.indicators.periods import Period, last_months


def test_a_month_runs_from_local_midnight_to_the_next_month(frozen):
    # given
    period = Period(2026, 12)

    # then
    assert (period.start, period.end) == (
        datetime(2026, 12, 1, tzinfo=clock.LOCAL_TZ),
        datetime(2027, 1, 1, tzinfo=clock.LOCAL_TZ),
    )
    assert (period.key, period.label, period.previous, period.next) == (
        "2026-12",
        "2026年12月",
        Period(2026, 11),
        Period(2027, 1),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", Period(2026, 3)),
        (" 2025-12 ", Period(2025, 12)),
        ("2026-13", Period(2026, 4)),
        ("2026-5", Period(2026, 4)),
        ("2026-05", Period(2026, 4)),  # the future is not a reporting month yet
        ("", Period(2026, 4)),
        (None, Period(2026, 4)),
        ("1999-01", Period(2026, 4)),
    ],
)
def test_parse_falls_back_to_the_current_month(frozen, text, expected):
    # then
    assert Period.parse(text) == expected


def test_last_months_cross_the_year(frozen):
    # then
    assert [p.key for p in last_months(Period(2026, 2), 4)] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
