"""Visit cadence: how often a household must be visited and its current window.

The strongest care tag of any resident in a household decides its cadence; a household
without care tags is visited quarterly. The lengths are configurable with
``settings.WANGGE_VISIT_CADENCE`` ({cadence: {"interval": d, "early": d, "grace": d}}).

A household's window is derived from its anchor (the date of its last completed visit, or
the date it was registered if never visited):
    due = anchor + interval, earliest = due - early, latest = due + grace.
Overdue means today > latest. Nothing is stored: every list is a query.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from wangge.people.models import Cadence

# Rank 1 is the strongest; SQL sorts on it and takes the minimum.
RANK = {Cadence.WEEKLY: 1, Cadence.MONTHLY: 2, Cadence.QUARTERLY: 3}
CADENCE_OF_RANK = {rank: cadence for cadence, rank in RANK.items()}
DEFAULT_RANK = RANK[Cadence.QUARTERLY]
# Care groups are measured per month, everybody else per quarter.
CARE_RANKS = (RANK[Cadence.WEEKLY], RANK[Cadence.MONTHLY])

DEFAULT_LENGTHS = {
    Cadence.WEEKLY: {"interval": 7, "early": 2, "grace": 2},
    Cadence.MONTHLY: {"interval": 30, "early": 7, "grace": 5},
    Cadence.QUARTERLY: {"interval": 90, "early": 15, "grace": 10},
}


@dataclass(frozen=True)
class Lengths:
    interval: int
    early: int
    grace: int


def lengths(cadence: str) -> Lengths:
    configured = settings.WANGGE_VISIT_CADENCE
    values = {**DEFAULT_LENGTHS[cadence], **configured.get(str(cadence), {})}
    return Lengths(int(values["interval"]), int(values["early"]), int(values["grace"]))


@dataclass(frozen=True)
class Window:
    cadence: str
    anchor: date
    due: date
    earliest: date
    latest: date

    def status(self, today: date) -> str:
        if today > self.latest:
            return "overdue"
        if today >= self.due:
            return "due"
        if today >= self.earliest:
            return "open"
        return "not_yet"

    def timing_of(self, day: date) -> str:
        if day < self.earliest:
            return "early"
        if day > self.latest:
            return "late"
        return "on_time"


def window_from(*, cadence: str, anchor: date) -> Window:
    length = lengths(cadence)
    due = anchor + timedelta(days=length.interval)
    return Window(
        cadence=str(cadence),
        anchor=anchor,
        due=due,
        earliest=due - timedelta(days=length.early),
        latest=due + timedelta(days=length.grace),
    )


def anchor_bounds(*, cadence: str, today: date, week_end: date) -> dict[str, tuple]:
    """Anchor ranges per list, so that the lists are plain range filters in SQL.

    overdue: latest < today            ⇔ anchor < today - interval - grace
    due today: due ≤ today ≤ latest    ⇔ today - interval - grace ≤ anchor ≤ today - interval
    due this week: today < due ≤ week end ⇔ today - interval < anchor ≤ week_end - interval
    """
    length = lengths(cadence)
    overdue_before = today - timedelta(days=length.interval + length.grace)
    due_by = today - timedelta(days=length.interval)
    return {
        "overdue": (None, overdue_before),
        "today": (overdue_before, due_by),
        "week": (due_by, week_end - timedelta(days=length.interval)),
    }


def required_visits(*, rank: int, period_days: int) -> int:
    """Completed visits a household needs in a measuring period (month or quarter)."""
    if rank == RANK[Cadence.WEEKLY]:
        return max(1, period_days // lengths(Cadence.WEEKLY).interval)
    return 1
