"""Queueing Celery work from a request without ever failing the request.

Everything queued from the request path has a safety net that finds it again from the
database (the outbox rows of ``notifications``, the timeline scan's cursor, the
coverage's staleness check), and every task is idempotent. So a broker that is away
costs nothing but latency: the send is skipped, logged, and the net runs the work once
Redis is back. After a failed send, further sends from this process are skipped for
``WANGGE_QUEUE_RETRY_SECONDS`` so that no request waits on a dead broker twice.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)
_away_until = 0.0


def broker_away() -> bool:
    return time.monotonic() < _away_until


def enqueue(task, *args, **kwargs) -> bool:
    """``task.delay(*args, **kwargs)``; False (logged) when the broker cannot take it."""
    global _away_until
    if broker_away():
        logger.info("broker away: %s left to its safety net", task.name)
        return False
    try:
        task.delay(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any broker failure: the safety net catches up
        if not task.app.conf.task_always_eager:  # eager: the task itself failed, not a broker
            _away_until = time.monotonic() + settings.WANGGE_QUEUE_RETRY_SECONDS
        logger.exception("could not queue %s; its safety net runs it later", task.name)
        return False
    return True


def reset() -> None:
    """Forget an earlier failure (tests, or a probe that saw the broker come back)."""
    global _away_until
    _away_until = 0.0
