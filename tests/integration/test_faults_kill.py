"""Issue 17, fault "SIGKILL of the Celery worker": a task killed mid-run is given back to
the queue (late acknowledgement; Redis's visibility timeout for a worker that died
whole) and runs again on the next worker; its effect happens once.

A real worker (``celery -A config worker``) on a real Redis (database 14, a queue of this
test's own) and the test database; the worker's process group is killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from wangge.notifications.models import Notice

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(settings.BASE_DIR)


def start_worker(queue: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "WANGGE_CELERY_VISIBILITY_TIMEOUT": "2",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
        "--concurrency=1", "-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat",
        "--without-gossip", "--without-mingle", "-l", "warning",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def pool_children(worker: subprocess.Popen) -> list[int]:
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("killed", ["worker", "pool_process"])
def test_a_task_killed_mid_run_runs_again_and_its_effect_happens_once(killed):
    queue = f"wt-hardening-kill-{uuid.uuid4().hex[:8]}"
    key = f"{queue}:effect"
    store = redis.Redis.from_url(REDIS_URL)
    sender = Celery(broker=REDIS_URL, set_as_current=False)  # never the current app
    first = start_worker(queue)
    second = None
    try:
        # given a task running on a worker
        sender.send_task("exampledomain.slow_once", args=[key, REDIS_URL, 60], queue=queue)
        assert wait_for(lambda: store.get(f"{key}:attempts") == b"1", 60)
        # when the whole worker is killed with SIGKILL mid-task and a worker starts again
        # (the task is free once Redis's visibility timeout passed), or only the pool
        # process running it (the worker gives the task back at once)
        if killed == "worker":
            kill(first)
            assert not Notice.objects.filter(key=key).exists()
            time.sleep(2.5)
            second = start_worker(queue)
        else:
            (child,) = pool_children(first)
            os.kill(child, signal.SIGKILL)
        # then the task runs again, and its effect happens once
        assert wait_for(lambda: Notice.objects.filter(key=key).exists(), 60)
        time.sleep(1)
        assert store.get(f"{key}:attempts") == b"2"
        assert Notice.objects.filter(key=key).count() == 1
    finally:
        kill(first)
        if second is not None:
            kill(second)
        store.delete(queue, f"{key}:attempts")
        sender.close()


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(port: int, method: str, path: str, session: str, body: str = "", key: str = ""):
    import http.client

    csrf = "a" * 32
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf,
               "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request(method, path, body=body.encode() or None, headers=headers)
        response = client.getresponse()
        return response.status, response.read().decode()
    finally:
        client.close()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_worker_killed_mid_request_then_the_retry_lands_once():
    import json
    import threading

    from django.test import Client

    from wangge.cases.models import CaseEvent
    from wangge.testing import build_city
    from wangge.testing.cases import CaseFactory, categories_ensure
    from wangge.testing.worlds import build_world

    categories_ensure()  # an earlier transactional test's flush may have removed them
    world = build_world(build_city())
    case = CaseFactory.accepted(world)
    client = Client()
    client.force_login(world.community_staff)
    session = client.cookies["sessionid"].value
    port = free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "WANGGE_DB_LOCK_TIMEOUT_MS": "30000",  # the request waits on the lock until killed
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"/api/cases/{case.pk}/dispatch"
    body = json.dumps({"expected_version": case.version})
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        assert wait_for(lambda: _answers(port, session), 60)
        # given a dispatch that waits on the case's row (another session holds it)
        holder.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])
        outcome = {}

        def dispatch():
            try:
                outcome["first"] = http(port, "POST", url, session, body, key="g-1")
            except OSError as error:  # the connection dropped with the worker
                outcome["first"] = error

        thread = threading.Thread(target=dispatch)
        thread.start()
        time.sleep(1.5)
        # when the worker serving it is killed with SIGKILL, and the lock is released
        (worker,) = pool_children(server)
        os.kill(worker, signal.SIGKILL)
        thread.join(timeout=30)
        holder.rollback()
        # then the phone's retry with the same key lands once (the killed request's
        # transaction never committed), and a replay answers the same
        assert isinstance(outcome["first"], OSError) or outcome["first"][0] >= 500
        assert wait_for(lambda: _answers(port, session), 60)
        retry = http(port, "POST", url, session, body, key="g-1")
        replay = http(port, "POST", url, session, body, key="g-1")
        assert retry[0] == replay[0] == 200 and json.loads(retry[1]) == json.loads(replay[1])
        assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
    finally:
        holder.close()
        kill(server)


def _answers(port: int, session: str) -> bool:
    try:
        return http(port, "GET", "/api/cases", session)[0] == 200
    except OSError:
        return False
