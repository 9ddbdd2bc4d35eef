"""Django's cache on Redis, with this process's memory standing in while Redis is away.

What the cache holds can be rebuilt or lost: copies of role assignments and the hourly
counters of ``accounts.ratelimit``. So a Redis that stops must not stop the pages: every
call that fails to reach Redis is answered from an in-process ``LocMemCache`` instead, and
for ``WANGGE_CACHE_RETRY_SECONDS`` after a failure Redis is not tried at all (no request
waits on a connect timeout again and again). The counters then count per worker process
until Redis is back; that is the price of staying up.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_AWAY = (RedisConnectionError, RedisTimeoutError, OSError)


class FallbackRedisCache(RedisCache):
    """``RedisCache`` whose calls fall back to process memory while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.local = LocMemCache(f"wangge-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._away_until = 0.0
        self._lock = threading.Lock()

    def redis_away(self) -> bool:
        return time.monotonic() < self._away_until

    def _call(self, name: str, *args, **kwargs):
        if not self.redis_away():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_AWAY as error:
                with self._lock:
                    first = not self.redis_away()
                    self._away_until = time.monotonic() + settings.WANGGE_CACHE_RETRY_SECONDS
                if first:
                    logger.warning("cache: Redis is away (%s); using process memory", error)
        return getattr(self.local, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self.local.clear()
        return self._call("clear")
