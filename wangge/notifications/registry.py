"""Where domain apps plug in: sources of notices and the scope check of each.

The notifications app knows no domain model. A domain app's ``notices`` module (found
by ``NotificationsConfig.ready``) registers:

- an *event source*: ``events_after(position, limit)`` gives ``[(event_id, [Draft])]``
  in id order (the scanner keeps a cursor per source), ``drafts_for_event(event_id)``
  gives the drafts of one event (the on-commit listener);
- a *deadline source*: ``drafts(now)`` gives drafts for deadlines approaching or passed;
  one registered ``windowed=True`` is called ``drafts(now, since)`` and may leave out
  what cannot have changed since ``since`` (the previous scan, less a margin; None on the
  first scan, or when the clock went back: the source's own look-back);
- for both, ``may_notify(user, draft)``: whether the user may see what the draft is
  about. A draft for a user who may not is dropped (never written, never sent).

Draft keys must be unique per thing + recipient; the same key twice is one notice.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

# A windowed deadline source's look-back on its first scan: deadlines that passed longer
# ago than this were told when they passed.
DEADLINE_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Draft:
    key: str
    kind: str
    title: str
    body: str = ""
    link: str = ""
    area_path: str = ""
    # What the notice is about, for the source's scope check ("cases.case:12").
    subject: str = ""
    recipient: Any = None  # a user; None for a text to ``phone`` (a resident)
    phone: str = ""


@dataclass(frozen=True)
class EventSource:
    name: str
    events_after: Callable[[int, int], list[tuple[int, list[Draft]]]]
    drafts_for_event: Callable[[int], list[Draft]]
    may_notify: Callable[[Any, Draft], bool]


@dataclass(frozen=True)
class DeadlineSource:
    name: str
    drafts: Callable[..., Iterable[Draft]]
    may_notify: Callable[[Any, Draft], bool]
    windowed: bool = False


EVENT_SOURCES: dict[str, EventSource] = {}
DEADLINE_SOURCES: dict[str, DeadlineSource] = {}
# kind code → label shown in the notification centre.
KINDS: dict[str, str] = {}


def register_event_source(name: str, *, events_after, drafts_for_event, may_notify) -> EventSource:
    source = EventSource(name, events_after, drafts_for_event, may_notify)
    EVENT_SOURCES[name] = source
    return source


def register_deadline_source(name: str, *, drafts, may_notify, windowed: bool = False) -> DeadlineSource:
    source = DeadlineSource(name, drafts, may_notify, windowed)
    DEADLINE_SOURCES[name] = source
    return source


def register_kinds(kinds: dict[str, str]) -> None:
    KINDS.update(kinds)


def kind_label(code: str) -> str:
    return KINDS.get(code, code)
