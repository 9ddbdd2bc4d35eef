"""``/healthz``: whether the database, Redis (the Celery broker) and the Celery workers
answer. For load balancers, monitoring and the production check; anonymous, so it says
only "ok" or "error" per dependency — never a host, a message or anything personal."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        return "ok" if client.ping() else "error"
    finally:
        client.close()


def _celery() -> str:
    """'eager' where tasks run in-process (the embedded setup), else whether at least one
    worker answers a broadcast ping within the timeout."""
    from celery import current_app as app  # the project's (config/celery.py), set as current

    if app.conf.task_always_eager:
        return "eager"
    replies = app.control.ping(timeout=TIMEOUT_SECONDS, limit=1)
    return "ok" if replies else "error"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in (("database", _database), ("redis", _redis), ("celery", _celery)):
        if name == "celery" and checks.get("redis") != "ok":
            checks[name] = "error"  # no broker, no worker can be reached
            continue
        try:
            checks[name] = check()
        except Exception:  # any failure is "error" to the caller; the log has the detail
            logger.exception("health check %s failed", name)
            checks[name] = "error"
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
    add_never_cache_headers(response)
    return response
