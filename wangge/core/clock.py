"""The one source of time: aware datetimes, UTC in storage, Asia/Shanghai for people.

``simulated(source)`` runs a block of code on another clock: ``now()`` answers
``source()``, and so do Django's own ``auto_now``/``auto_now_add`` stamps (they read
``django.utils.timezone.now``, which is pointed at ``source`` for the block and restored
after it). The demo history (``wangge.demo``) uses it to write a year of records on the
day they would have been written; nothing else should need it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_source: ContextVar[Callable[[], datetime] | None] = ContextVar("wangge_clock", default=None)


def now() -> datetime:
    source = _source.get()
    return source() if source is not None else timezone.now()


def today() -> date:
    return now().astimezone(LOCAL_TZ).date()


@contextmanager
def simulated(source: Callable[[], datetime]) -> Iterator[None]:
    """Within the block, the time is whatever ``source()`` answers."""
    token = _source.set(source)
    django_now = timezone.now
    timezone.now = source
    try:
        yield
    finally:
        timezone.now = django_now
        _source.reset(token)
