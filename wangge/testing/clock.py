"""The one frozen clock for tests: the root conftest's ``frozen`` fixture is a
``FrozenClock``, which sets ``wangge.core.clock.now``.

``frozen(instant)`` sets it to an aware datetime; ``frozen(day, hour=10)`` to that hour of
a day, Shanghai time. Where it starts is the ``frozen_at`` fixture (a datetime, or None to
leave the clock alone until the test sets it): a package's conftest overrides
``frozen_at`` to give its tests their fixed "now".
"""

from datetime import date, datetime, time

from wangge.core import clock


def at(day: date, hour: int = 10) -> datetime:
    """That hour of the day, Shanghai time."""
    return datetime.combine(day, time(hour), tzinfo=clock.LOCAL_TZ)


def local(*args) -> datetime:
    """``local(2025, 9, 30, 10)``: an aware datetime, Shanghai time."""
    return datetime(*args, tzinfo=clock.LOCAL_TZ)


class FrozenClock:
    def __init__(self, monkeypatch, start: datetime | None):
        self.now = start
        self._monkeypatch = monkeypatch
        if start is not None:
            self._install()

    def _install(self) -> None:
        self._monkeypatch.setattr(clock, "now", lambda: self.now)

    def __call__(self, when: date | datetime, hour: int = 10) -> datetime:
        self.now = when if isinstance(when, datetime) else at(when, hour)
        self._install()
        return self.now
