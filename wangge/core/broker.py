"""The Celery worker survives its broker going away (issue 17's Redis fault).

kombu 5.7's Redis transport crashes the worker when Redis disappears while the worker holds
a delivered, unacknowledged task (``task_acks_late``): on the connection error the
consumer first collects the connection (the transport forgets its client) and then closes
it; closing the channel restores the unacknowledged tasks, which builds a new Redis client
from the forgotten one and fails with ``AttributeError: 'NoneType' object has no attribute
'hostname'``. An AttributeError is no connection error, so kombu does not ignore it and the
worker stops ("Unrecoverable error"), staying down after Redis is back.

``guard_redis_channel_close()`` makes that client-less connection a Redis
``ConnectionError``: kombu ignores it while closing, the consumer reconnects (retrying
without limit, ``CELERY_BROKER_CONNECTION_MAX_RETRIES = None``) and the tasks stay in Redis's
unacknowledged set, which hands them out again after the visibility timeout (every task is
idempotent). A supervisor restarting the worker (systemd ``Restart=always``) is still
production's answer to crashes this guard does not cover (OOM, SIGKILL).
"""

_GUARDED = "_wangge_guarded"


def guard_redis_channel_close() -> None:
    """Patch kombu's Redis channel once (idempotent; nothing to do without kombu's redis)."""
    try:
        import redis
        from kombu.transport import redis as kombu_redis
    except ImportError:  # pragma: no cover - the redis extra is a dependency
        return
    channel = kombu_redis.Channel
    original = channel._connparams
    if getattr(original, _GUARDED, False):
        return

    def _connparams(self, asynchronous=False):
        if getattr(self.connection, "client", None) is None:
            raise redis.exceptions.ConnectionError("broker connection already closed")
        return original(self, asynchronous=asynchronous)

    setattr(_connparams, _GUARDED, True)
    channel._connparams = _connparams
