"""A test-only task that can be killed mid-run (wangge/cases/tests/test_faults_kill.py):
it counts its attempts in Redis, sleeps on the first, then writes its effect keyed (as
every real task of the app is idempotent: notices by key, deliveries by row status)."""

import time

import redis
from celery import shared_task


@shared_task(name="exampledomain.slow_once", ignore_result=True)
def slow_once(key: str, redis_url: str, seconds: float) -> None:
    from wangge.notifications.models import Notice

    attempts = redis.Redis.from_url(redis_url).incr(f"{key}:attempts")
    if attempts == 1:
        time.sleep(seconds)  # the test kills the worker here
    Notice.objects.get_or_create(
        key=key, defaults={"kind": "test", "title": "killed task", "created_at": time_now()}
    )


def time_now():
    from wangge.core import clock

    return clock.now()
