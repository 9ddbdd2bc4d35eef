"""Process-local copies of small reference tables read on every case intake.

Categories, routing rules and the upper area nodes change a few times a year but are
read by every report. Each process keeps a whole-table copy and, at most every
``WANGGE_REFCACHE_CHECK_SECONDS`` (5), asks the shared cache for the table's change
stamp: saving or deleting a row through the ORM drops the copy in that process at once and
sets a new stamp when the transaction commits, so the other processes reload within
seconds, and only then. While the shared cache has no stamp (Redis away or emptied), a
copy older than ``WANGGE_REFCACHE_SECONDS`` (600) is reloaded: the safety net. Bulk
writes (``bulk_create``, ``update``) send no signals: whoever does them calls
``refcache_clear_all()``.

(Reloading every copy at a fixed age, as before, made the requests that happened to come
first after it pay the reload — 200 ms for the grid index of a full city, more under load:
the resident's report, which locates its grid by the point, had a p95 of 450–680 ms.)
"""

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_ALL: list["RefCache"] = []


class RefCache(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T], *, models=()):
        self.name = name
        self._load = load
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        self._stamp = None
        for model in models:
            post_save.connect(self._on_change, sender=model, weak=False)
            post_delete.connect(self._on_change, sender=model, weak=False)
        _ALL.append(self)

    @property
    def stamp_key(self) -> str:
        return "refcache:" + self.name.replace(" ", "_")

    def get(self) -> T:
        now = time.monotonic()
        value = self._value
        if value is not None:
            if now - self._checked_at <= settings.WANGGE_REFCACHE_CHECK_SECONDS:
                return value
            self._checked_at = now
            stamp = cache.get(self.stamp_key)
            if stamp is not None and stamp == self._stamp:
                return value  # nobody changed the table: the copy stays, however old
            if stamp is None and now - self._loaded_at <= settings.WANGGE_REFCACHE_SECONDS:
                return value  # the shared cache knows nothing (away, or emptied): wait
        with self._lock:
            # The stamp is read before the table: a change committed in between gives a
            # newer stamp, and the next check loads again.
            stamp = cache.get(self.stamp_key)
            if stamp is None:
                cache.add(self.stamp_key, uuid.uuid4().hex, None)
                stamp = cache.get(self.stamp_key)
            value = self._load()
            self._value, self._stamp = value, stamp
            self._loaded_at = self._checked_at = time.monotonic()
        return value

    def clear(self) -> None:
        self._value = None

    def announce(self) -> None:
        """Drop this copy and tell the other processes (after the commit) to drop theirs."""
        self.clear()
        self._new_stamp()
        if transaction.get_connection().in_atomic_block:
            # Another process reloading before the commit would read the old rows under
            # the new stamp: stamp again once the change is visible.
            transaction.on_commit(self._new_stamp)

    def _new_stamp(self) -> None:
        cache.set(self.stamp_key, uuid.uuid4().hex, None)

    def _on_change(self, **kwargs) -> None:
        self.announce()


def refcache_clear_all() -> None:
    for copy in _ALL:
        copy.announce()
