"""Process-local copies of small reference tables read on every case intake.

Categories, routing rules and the upper area nodes change a few times a year but are
read by every report. Each process keeps a whole-table copy for at most
``WANGGE_REFCACHE_SECONDS`` (60 by default); saving or deleting a row through the ORM
drops the copy in that process at once, other processes pick the change up when
their copy expires. Bulk writes (``bulk_create``, ``update``) send no signals: whoever
does them calls ``refcache_clear_all()``.
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
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
        for model in models:
            post_save.connect(self._on_change, sender=model, weak=False)
            post_delete.connect(self._on_change, sender=model, weak=False)
        _ALL.append(self)

    def get(self) -> T:
        ttl = settings.WANGGE_REFCACHE_SECONDS
        value, loaded_at = self._value, self._loaded_at
        if value is None or time.monotonic() - loaded_at > ttl:
            with self._lock:
                value = self._load()
                self._value, self._loaded_at = value, time.monotonic()
        return value

    def clear(self) -> None:
        self._value = None

    def _on_change(self, **kwargs) -> None:
        self.clear()


def refcache_clear_all() -> None:
    for cache in _ALL:
        cache.clear()
