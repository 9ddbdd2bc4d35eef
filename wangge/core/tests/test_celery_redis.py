"""Background work really travels through Redis: a task sent to the broker is picked up
by a worker and its result comes back."""

import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from wangge.core.tasks import ping


def test_a_task_round_trips_through_the_real_redis_broker():
    # given the real Redis the settings point at
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()
    app.conf.task_always_eager = False
    try:
        # when a worker runs and a task is sent through the broker
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            result = ping.apply_async()
            # then the worker answers through the result backend
            assert result.get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager = True
