"""Issue 17, faults of the services behind the app: PostgreSQL restarting or away, a case
locked by another session, Redis away (cache and broker), a Celery worker killed mid-task.

Requests that must go the way production goes are sent through ``WSGIHandler`` itself
(``request_started`` runs the connection checks the test client leaves out)."""

import json
import time

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory

from config.celery import app as current_app
from wangge.accounts.ratelimit import counter_add
from wangge.cases.models import Case, CaseEvent
from wangge.cases.tasks import notify_event
from wangge.core import queueing
from wangge.core.models import IdempotencyRecord
from wangge.notifications.models import Notice
from wangge.notifications.services import notices_scan_events
from wangge.testing import build_city
from wangge.testing.cases import CaseFactory, grid_point
from wangge.testing.worlds import build_world

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1: Redis is away


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def wsgi(path: str, *, session: str = "", method: str = "get", body: str = "", key: str = ""):
    """One request through Django's WSGI handler: (status, headers, text)."""
    csrf = "a" * 32  # a browser's CSRF cookie and header (session-authenticated API)
    extra = {"HTTP_COOKIE": f"sessionid={session}; csrftoken={csrf}", "HTTP_X_CSRFTOKEN": csrf}
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    factory = RequestFactory()
    if method == "post":
        request = factory.post(path, body, content_type="application/json", **extra)
    else:
        request = factory.get(path, **extra)
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    chunks = WSGIHandler()(request.environ, start_response)
    try:
        text = b"".join(chunks).decode()
    finally:
        getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], text


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def reconnect(**changes) -> None:
    connection.close()
    connection.settings_dict.update(changes)


@pytest.fixture
def pg_world(request):
    """A world in a transactional test, with the default connection's settings restored."""
    saved = {k: connection.settings_dict[k] for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "PORT")}
    saved_options = dict(connection.settings_dict["OPTIONS"])
    yield build_world(build_city())
    connection.close()
    connection.settings_dict.update(saved)
    connection.settings_dict["OPTIONS"] = saved_options


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("health_checks", [True, False])
def test_first_request_after_a_postgres_restart(pg_world, health_checks):
    # given a persistent connection that served one request
    reconnect(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=health_checks)
    session = session_of(pg_world.community_staff)
    assert wsgi("/api/cases", session=session)[0] == 200
    pid = connection.connection.info.backend_pid
    # when PostgreSQL restarts (its backends end, as pg_ctl restart ends them)
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    status, headers, text = wsgi("/api/cases", session=session)
    # then with health checks (the settings) the request reconnects; without them it
    # would have failed, and even then the user reads a 503 in words, not a 500
    if health_checks:
        assert status == 200
    else:
        assert status == 503 and "数据库" in json.loads(text)["detail"][0]["msg"]
        assert headers["Retry-After"]
    assert wsgi("/api/cases", session=session)[0] == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_away_is_a_quick_503_in_words(pg_world):
    session = session_of(pg_world.community_staff)
    port = connection.settings_dict["PORT"]
    # when PostgreSQL is away (nothing listens on its port)
    reconnect(PORT="1")
    started = time.monotonic()
    api = wsgi("/api/cases", session=session)
    page = wsgi("/cases/", session=session)
    elapsed = time.monotonic() - started
    # then the API answers with its error list and the pages with a page, both 503
    assert api[0] == 503 and json.loads(api[2])["detail"][0]["type"] == "db_unavailable"
    assert "系统暂时无法连接数据库" in json.loads(api[2])["detail"][0]["msg"]
    assert page[0] == 503 and "服务暂时不可用" in page[2]
    assert api[1]["Retry-After"] and elapsed < 5
    # and once it is back the next request is served
    reconnect(PORT=port)
    assert wsgi("/api/cases", session=session)[0] == 200


def test_database_gone_while_the_session_is_saved_is_a_503_not_a_400(world, monkeypatch):
    # given a signed-in user whose request changes the session (the first one after sign-in)
    from django.contrib.sessions.models import Session
    from django.db import OperationalError

    sessions = {path: session_of(world.community_staff) for path in ("/api/cases", "/cases/")}

    # when PostgreSQL goes away while the session is saved (pg_ctl restart: "the database
    # system is shutting down"), which Django's session middleware calls "interrupted"
    def shutting_down(*args, **kwargs):
        raise OperationalError("FATAL:  the database system is shutting down")

    monkeypatch.setattr(Session, "save", shutting_down)
    api = wsgi("/api/cases", session=sessions["/api/cases"])
    page = wsgi("/cases/", session=sessions["/cases/"])
    # then the user reads the database's 503 in words with Retry-After, not "bad request"
    assert api[0] == 503 and json.loads(api[2])["detail"][0]["type"] == "db_unavailable"
    assert page[0] == 503 and "服务暂时不可用" in page[2]
    assert api[1]["Retry-After"] and page[1]["Retry-After"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_locked_by_another_session_is_busy_then_the_retry_lands_once(pg_world, settings):
    # given the configured lock timeout on every connection, and the shorter wait for a
    # case's row when a person acts on it
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == f"{settings.WANGGE_DB_LOCK_TIMEOUT_MS // 1000}s"
    assert 0 < settings.WANGGE_CASE_LOCK_WAIT_MS <= 500
    case = CaseFactory.accepted(pg_world)
    session = session_of(pg_world.community_staff)
    body = json.dumps({"expected_version": case.version})
    url = f"/api/cases/{case.pk}/dispatch"
    # and another session holding the case's row (a slow transaction)
    holder = connection.get_new_connection(connection.get_connection_params())
    holder.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])
    try:
        # when the dispatcher acts on it
        started = time.monotonic()
        status, headers, text = wsgi(url, session=session, method="post", body=body, key="d-1")
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    # then a quick "busy, try again" in words (the short wait, not the 5 s lock timeout,
    # so a stuck case does not hold a web worker), nothing written
    assert status == 503 and waited < 1.5
    (error,) = json.loads(text)["detail"]
    assert error["type"] == "busy" and "请稍后重试" in error["msg"]
    assert not IdempotencyRecord.objects.filter(key="d-1").exists()
    # and the phone's retries with the same key land once
    retry = wsgi(url, session=session, method="post", body=body, key="d-1")
    replay = wsgi(url, session=session, method="post", body=body, key="d-1")
    assert retry[0] == replay[0] == 200 and json.loads(retry[2]) == json.loads(replay[2])
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_short_case_lock_wait_ends_with_the_lock(pg_world, settings):
    # given a person's action holding a case's row
    from django.db import transaction

    from wangge.cases.services.common import case_lock

    case = CaseFactory.accepted(pg_world)
    with transaction.atomic():
        assert case_lock(pg_world.community_staff, case.pk) == case
        # then the rest of the transaction waits on other locks as every connection does
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == f"{settings.WANGGE_DB_LOCK_TIMEOUT_MS // 1000}s"


# --------------------------------------------------------------------------- Redis


@pytest.fixture
def redis_away(settings):
    """The cache and the broker both point at a Redis that is not there."""
    settings.CACHES = {"default": {"BACKEND": "wangge.core.cache.FallbackRedisCache", "LOCATION": DEAD}}
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, DEAD
    current_app._pool = None
    queueing.reset()
    yield
    conf.task_always_eager, conf.broker_url = saved
    current_app._pool = None
    queueing.reset()


def test_redis_away_pages_api_and_limits_keep_working(world, redis_away):
    # when Redis is away
    staff = client_for(world.community_staff)
    # then pages and the API answer, and the hourly counters still count (per process)
    assert staff.get("/api/cases").status_code == 200
    assert staff.get("/cases/").status_code == 200
    assert [counter_add("test", 1), counter_add("test", 1)] == [1, 2]
    assert cache.get("nothing", "default") == "default"


def test_notices_queued_while_redis_is_away_are_written_once_after_recovery(world, redis_away):
    # given a resident's report while the broker is away
    lat, lng = grid_point(world.grid)
    body = {"category_id": world.category.pk, "description": "路灯不亮", "lat": lat, "lng": lng}
    started = time.monotonic()
    response = client_for(world.resident).post(
        "/api/cases", json.dumps(body), content_type="application/json",
        headers={"Idempotency-Key": "r-away"},
    )
    # then the report is taken at once, its notices not yet written (the send failed)
    assert response.status_code == 201 and time.monotonic() - started < 3
    case = Case.objects.get(pk=response.json()["id"])
    event = CaseEvent.objects.get(case=case, action="report")
    assert Notice.objects.count() == 0
    # when Redis is back: beat's scan runs (and a late copy of the lost task, twice)
    current_app.conf.task_always_eager = True
    notices_scan_events()
    written = Notice.objects.count()
    notices_scan_events()
    notify_event(event.pk)
    notify_event(event.pk)
    # then the dispatchers' notices exist, once each
    assert written >= 1
    assert Notice.objects.count() == written
    assert set(Notice.objects.values_list("recipient", flat=True)) >= {world.community_staff.pk}


def test_tasks_are_acknowledged_late_and_rerun_when_their_worker_dies():
    from django.conf import settings

    conf = current_app.conf
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == settings.WANGGE_CELERY_VISIBILITY_TIMEOUT


def test_real_redis_cache_shares_counters_and_survives_an_outage(settings):
    from wangge.core.cache import FallbackRedisCache

    params = {"KEY_PREFIX": f"wt-hardening-{time.time_ns()}", "OPTIONS": {"socket_connect_timeout": 0.5}}
    one = FallbackRedisCache("redis://127.0.0.1:6379/13", params)
    two = FallbackRedisCache("redis://127.0.0.1:6379/13", params)
    away = FallbackRedisCache(DEAD, params)
    try:
        one.add("n", 0)
        assert [one.incr("n"), two.incr("n")] == [1, 2]  # one counter for every process
        assert not one.redis_away()
        away.set("n", 5)
        assert away.redis_away() and away.incr("n") == 6  # process memory meanwhile
    finally:
        one.delete("n")
