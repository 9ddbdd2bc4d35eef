"""Build and start the production setup exactly as README's "Production" section says,
check that it answers, and stop everything it started. Called by CI (`.ci/run`).

- its own fresh PostgreSQL database on the local server, with the two roles
  (`manage.py db_roles` as the superuser; migrations as the owner, the app as the app role);
- production settings with freshly generated keys;
- `migrate`, `collectstatic`, a small generated city (a bulk tool, run as the owner) and a
  district officer made with `manage.py user_create` (its password is temporary: the
  check changes it on the page the first sign-in leads to);
- gunicorn with `config/gunicorn.conf.py` on a free loopback port, a Celery worker and beat
  against the local Redis;
- `/healthz` must report database, Redis and the Celery worker ok; the officer signs in
  through the login form and home, the case list and the dashboard answer 200 (never 500),
  with the production headers; anonymous callers get no API docs.

The check speaks plain HTTP on loopback, as the reverse proxy does; it says
`X-Forwarded-Proto: https` like the proxy instead of weakening production's settings.

Environment: PRODUCTION_CHECK_PG (superuser URL without database, default
postgres://postgres@127.0.0.1:5432), PRODUCTION_CHECK_DB (database name, default
wangge_prodcheck_<pid>), PRODUCTION_CHECK_REDIS (default redis://127.0.0.1:6379/14).
"""

import base64
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = os.environ.get("PRODUCTION_CHECK_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB = os.environ.get("PRODUCTION_CHECK_DB", f"wangge_prodcheck_{os.getpid()}")
REDIS = os.environ.get("PRODUCTION_CHECK_REDIS", "redis://127.0.0.1:6379/14")
OWNER, APP = f"{DB}_owner", f"{DB}_app"
DISTRICT = "150206"  # one district of the generated city is enough
USERNAME, PASSWORD = "prodcheck01", "Prod-check-" + secrets.token_hex(6)
DEADLINE_SECONDS = 60


START = time.monotonic()


def say(message: str) -> None:
    print(f"==> [{time.monotonic() - START:5.1f} s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_url(user: str, database: str = "") -> str:
    host = PG.split("://", 1)[1].split("@", 1)[-1]
    return f"postgres://{user}@{host}/{database}"


def production_env(port: int, state: Path) -> dict[str, str]:
    """The process environment minus anything of ours, plus production's variables."""
    own = ("DJANGO_", "WANGGE_", "DATABASE_", "CELERY_", "GUNICORN_", "DB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "WANGGE_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "WANGGE_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": base_url(APP, DB),
            "DATABASE_MIGRATE_URL": base_url(OWNER, DB),
            "CELERY_BROKER_URL": REDIS,
            "CELERY_RESULT_BACKEND": REDIS,
            "DB_CONN_MAX_AGE": "60",  # persistent connections: visible in pg_stat_activity
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",  # README: GUNICORN_WORKERS overrides (2 × cores) + 1
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env: dict, *args: str, stdin: str | None = None) -> None:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


class Client:
    """Plain HTTP to gunicorn, as the TLS-terminating proxy would forward it."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            **(
                {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
                if self.cookies
                else {}
            ),
            **(headers or {}),
        }
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, content


def start(env: dict, logs: Path, name: str, *command: str) -> subprocess.Popen:
    out = open(logs / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(  # noqa: S603 (gunicorn and celery from the venv)
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def run_checks(client: Client, processes: dict[str, subprocess.Popen]) -> None:
    say("waiting for /healthz (database, Redis, Celery worker)")
    deadline, last = time.monotonic() + DEADLINE_SECONDS, None
    while time.monotonic() < deadline:
        for name, process in processes.items():
            check(process.poll() is None, f"{name} exited with {process.returncode}")
        try:
            response, content = client.request("GET", "/healthz")
            last = (response.status, content)
            if response.status == 200:
                break
        except OSError as exc:
            last = (None, str(exc))
        time.sleep(0.5)
    check(last is not None and last[0] == 200, f"/healthz never became healthy: {last}")
    body = json.loads(last[1])
    check(
        body == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "celery": "ok"}},
        f"/healthz: {body}",
    )

    say("anonymous: login page, no API docs")
    response, page = client.request("GET", "/login/")
    check(response.status == 200, f"/login/ answered {response.status}")
    for path in ("/api/docs", "/api/openapi.json"):
        response, _ = client.request("GET", path)
        check(
            response.status in (302, 401, 403, 404), f"anonymous {path} answered {response.status}"
        )
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    check(
        stylesheet is not None and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet[1]) is not None,
        "the login page links no hashed (manifest) stylesheet",
    )
    response, _ = client.request("GET", stylesheet[1])
    check(response.status == 200, f"{stylesheet[1]} answered {response.status}")

    say(f"signing in as {USERNAME}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(token is not None, "no CSRF token in the login form")
    origin = "https://127.0.0.1"
    form = urlencode(
        {"csrfmiddlewaretoken": html.unescape(token[1]), "username": USERNAME, "password": PASSWORD}
    )
    response, content = client.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}/login/",
        },
    )
    check(
        response.status == 302 and "sessionid" in client.cookies,
        f"sign-in failed ({response.status}): {html.unescape(content)[:500]}",
    )

    say("the password user_create set is temporary: changed first, as at any first sign-in")
    response, _ = client.request("GET", "/")
    location = response.getheader("Location") or ""
    check(
        response.status == 302 and location.startswith("/account/password/"),
        f"/ with a temporary password answered {response.status} {location}",
    )
    response, page = client.request("GET", "/account/password/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(response.status == 200 and token is not None, "no password change form")
    new_password = "Prod-own-" + secrets.token_hex(6)
    form = urlencode(
        {
            "csrfmiddlewaretoken": html.unescape(token[1]),
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        }
    )
    response, content = client.request(
        "POST",
        "/account/password/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}/account/password/",
        },
    )
    check(
        response.status == 302
        and not (response.getheader("Location") or "").startswith("/account/password/"),
        f"password change failed ({response.status}): {html.unescape(content)[:500]}",
    )

    for path in ("/", "/cases/", "/dashboard/", f"/dashboard/{DISTRICT}/", "/api/cases"):
        response, content = client.request("GET", path)
        for _ in range(3):  # follow the app's own redirects (/dashboard/ → the user's area)
            location = response.getheader("Location") or ""
            if response.status not in (301, 302) or not location.startswith("/"):
                break
            path = location
            response, content = client.request("GET", path)
        say(f"GET {path} → {response.status}")
        check(response.status == 200, f"{path} answered {response.status}: {content[:300]}")
        check(
            "no-store" in (response.getheader("Cache-Control") or ""),
            f"{path} is cacheable: {response.getheader('Cache-Control')}",
        )
        check(response.getheader("Strict-Transport-Security") is not None, f"{path}: no HSTS")
        if response.getheader("Content-Type", "").startswith("text/html"):
            check(response.getheader("Content-Security-Policy") is not None, f"{path}: no CSP")


def database_roles_seen(database: str) -> set[str]:
    with psycopg.connect(f"{PG}/postgres") as conn:
        rows = conn.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchall()
    return {row[0] for row in rows}


def main() -> int:
    started = time.monotonic()
    port = free_port()
    state = Path(tempfile.mkdtemp(prefix="wangge-production-check-"))
    env = production_env(port, state)
    processes: dict[str, subprocess.Popen] = {}
    admin = psycopg.connect(f"{PG}/postgres", autocommit=True)
    failed = True
    try:
        say(f"fresh database {DB} with roles {OWNER} (owner) and {APP} (app)")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
        manage(env, "db_roles", "--admin-url", f"{PG}/{DB}")
        say("migrate (as the owner) and collectstatic")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        say("a small city (bulk tool, as the owner) and a district officer (as the app)")
        manage(
            {**env, "DATABASE_URL": env["DATABASE_MIGRATE_URL"]},
            "generate_city",
            "--scale",
            "0.0005",
            "--districts",
            DISTRICT,
            "-v0",
        )
        manage(
            env,
            "user_create",
            USERNAME,
            "--role",
            "district_officer",
            "--area",
            DISTRICT,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )

        say(f"gunicorn on 127.0.0.1:{port}, a Celery worker and beat")
        processes["gunicorn"] = start(
            env,
            state,
            "gunicorn",
            str(BIN / "gunicorn"),
            "-c",
            "config/gunicorn.conf.py",
            "config.wsgi",
        )
        processes["worker"] = start(
            env,
            state,
            "worker",
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        )
        processes["beat"] = start(
            env,
            state,
            "beat",
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--schedule",
            str(state / "beat-schedule"),
            "--loglevel",
            "WARNING",
        )
        run_checks(Client(port), processes)
        seen = database_roles_seen(DB)
        check(
            APP in seen and "postgres" not in seen and OWNER not in seen,
            f"the running app should connect only as {APP}, saw {sorted(seen)}",
        )
        check(processes["beat"].poll() is None, "celery beat stopped")
        failed = False
        say(f"production check passed in {time.monotonic() - started:.0f} s")
    except (AssertionError, SystemExit, OSError, psycopg.Error) as exc:
        print(f"production check FAILED: {exc}", file=sys.stderr)
    finally:
        stop(list(processes.values()))
        logs = {name: (state / f"{name}.log").read_text(errors="replace") for name in processes}
        for name, text in logs.items():
            if failed or "Traceback" in text:
                print(f"--- {name}.log ---\n{text[-4000:]}", file=sys.stderr)
            if "Traceback" in text and name == "gunicorn":
                failed = True
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        for role in (APP, OWNER):
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        admin.close()
        shutil.rmtree(state, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
