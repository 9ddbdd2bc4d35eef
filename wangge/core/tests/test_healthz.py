"""/healthz tells a load balancer or the production check whether the database, Redis
and the Celery workers answer: 200 when all do, 503 otherwise, nothing personal."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from config.celery import app
from wangge.testing import make_user


@pytest.fixture
def celery_not_eager():
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def test_healthz_answers_anonymous_callers_with_every_check_ok(client, db):
    # given an embedded setup (tasks run eagerly, no worker needed)
    # when an anonymous probe asks
    response = client.get("/healthz")
    # then it is healthy, as JSON, with one entry per dependency and nothing else
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "celery"}
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"] == "ok"
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_redis_does_not_answer(client, db):
    # given a broker nobody listens on
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        # when the probe asks
        response = client.get("/healthz")
    # then the service is reported unhealthy, naming what failed but not how it is reached
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["redis"] == "error"
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_is_503_without_a_celery_worker(client, db, celery_not_eager):
    # given real background work and no worker running
    # when the probe asks
    response = client.get("/healthz")
    # then Celery is the failing check
    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "error"


def test_healthz_is_ok_when_a_worker_answers(client, celery_not_eager, monkeypatch):
    # given a worker consuming from the real broker (its Django fixup closes the test's
    # database connection as a new worker does, so this test leaves the database out)
    monkeypatch.setattr("wangge.core.health._database", lambda: "ok")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # when the probe asks
        response = client.get("/healthz")
    # then the worker's answer counts
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["celery"] == "ok"


def test_healthz_says_the_same_to_a_signed_in_user(client, db):
    client.force_login(make_user(username="someone"))
    body = client.get("/healthz").json()
    assert set(body) == {"status", "checks"}
