"""An isolated production stack for the load and fault runs (issue 17).

    .venv/bin/python bench/stack.py up --root /work/var/loadtest --scale 0.01   # build, start, wait
    .venv/bin/python bench/stack.py up --root /work/var/loadtest --reuse        # start only

Everything lives under ``--root`` and listens on 127.0.0.1 only, so restarting or killing a
piece touches nothing else on the machine:

- its own PostgreSQL cluster (``initdb`` + ``pg_ctl``; data in ``<root>/pg``, port 55432),
  with the two production roles (``manage.py db_roles``: the owner migrates and loads, the
  app role serves);
- its own ``redis-server`` (port 56379, no persistence): Celery broker and results, and
  Django's cache (rate-limit counters);
- gunicorn with ``config/gunicorn.conf.py`` and production settings (port 58000), a Celery
  worker and Celery beat;
- uploads in ``<root>/media`` (``WANGGE_MEDIA_ROOT``), logs in ``<root>/logs``.

``Stack`` is also the library the load and fault scripts use: ``restart_postgres``,
``stop_redis``/``start_redis``, ``kill_gunicorn_worker``, ``kill_celery_worker`` …
``up`` stops everything it started when it ends (Ctrl-C, SIGTERM or ``--hold`` elapsed);
``Stack`` registers the same clean-up with ``atexit`` and the signal handlers.
"""

import argparse
import atexit
import base64
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = "wangge"
OWNER, APP = "wangge_owner", "wangge_app"


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"{name} not found (PostgreSQL server binaries are needed)")


class Stack:
    """One isolated stack under ``root``; every process it starts is its own child."""

    def __init__(
        self,
        root: Path,
        *,
        pg_port: int = 55432,
        redis_port: int = 56379,
        http_port: int = 58000,
        web_workers: int | None = None,
        say=print,
    ):
        self.root = Path(root).resolve()
        self.pg_port, self.redis_port, self.http_port = pg_port, redis_port, http_port
        self.web_workers = web_workers
        self.say = say
        self.pgdata = self.root / "pg"
        self.logs = self.root / "logs"
        self.media = self.root / "media"
        self.processes: dict[str, subprocess.Popen] = {}
        self._pg_started = False
        self._cleanup_registered = False
        # PostgreSQL refuses to run as root: the cluster is owned by the ``postgres`` user.
        self.pg_user = "postgres" if os.geteuid() == 0 else None

    # ------------------------------------------------------------------ environment

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}"

    def db_url(self, user: str = APP) -> str:
        return f"postgres://{user}@127.0.0.1:{self.pg_port}/{DB}"

    def keys(self) -> dict[str, str]:
        """The stack's secrets, made once and kept (the field key must outlive restarts)."""
        path = self.root / "keys.json"
        if path.exists():
            return json.loads(path.read_text())
        keys = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "WANGGE_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "WANGGE_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
        return keys

    def env(self, *, owner: bool = False) -> dict[str, str]:
        """Production's variables (nothing inherited from the caller's DJANGO_/WANGGE_…)."""
        own = ("DJANGO_", "WANGGE_", "DATABASE_", "CELERY_", "GUNICORN_", "DB_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
        redis = f"redis://127.0.0.1:{self.redis_port}"
        env.update(self.keys())
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.db_url(OWNER if owner else APP),
                "DATABASE_MIGRATE_URL": self.db_url(OWNER),
                "CELERY_BROKER_URL": f"{redis}/0",
                "CELERY_RESULT_BACKEND": f"{redis}/1",
                "WANGGE_CACHE_URL": f"{redis}/2",
                "WANGGE_MEDIA_ROOT": str(self.media),
                # The upload disk keeps this much free (bench/faults.py gives it a 64 MB
                # filesystem of its own; production's default reserve is larger).
                "WANGGE_UPLOAD_RESERVE_MB": "4",
                # The load client plays the reverse proxy: it names each simulated phone's
                # address, so per-IP limits count residents, not the one loopback address.
                "WANGGE_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
                "DB_CONN_MAX_AGE": "60",
                "GUNICORN_BIND": f"127.0.0.1:{self.http_port}",
                "PYTHONPATH": str(ROOT),
                "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
            }
        )
        if self.web_workers:
            env["GUNICORN_WORKERS"] = str(self.web_workers)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def manage(self, *args: str, owner: bool = False, stdin: str | None = None) -> str:
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(owner=owner),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=7200,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    # ------------------------------------------------------------------ clean-up

    def _register_cleanup(self) -> None:
        if self._cleanup_registered:
            return
        self._cleanup_registered = True
        atexit.register(self.stop)

        def on_signal(signum, frame):
            self.stop()
            raise SystemExit(128 + signum)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, on_signal)

    def stop(self) -> None:
        """Stop everything this stack started (idempotent)."""
        for name in ("beat", "celery", "gunicorn", "redis"):
            self._stop_process(name)
        if self._pg_started:
            self._pg_ctl("stop", "-m", "fast", check=False)
            self._pg_started = False

    def _stop_process(self, name: str, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        self._register_cleanup()
        self.logs.mkdir(parents=True, exist_ok=True)
        out = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 (lives with the process)
        process = subprocess.Popen(  # noqa: S603 (binaries from the venv and the system)
            command,
            cwd=ROOT,
            env=env or self.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as one, never ours
        )
        self.processes[name] = process
        return process

    # ------------------------------------------------------------------ PostgreSQL

    def _as_pg(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", self.pg_user, "--", *command] if self.pg_user else command

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            self._as_pg([_pg_bin("pg_ctl"), "-D", str(self.pgdata), *args]),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def init_postgres(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.pgdata.mkdir(mode=0o700)
        if self.pg_user:
            entry = pwd.getpwnam(self.pg_user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        subprocess.run(  # noqa: S603
            self._as_pg(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",  # loopback only, a throwaway cluster
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.pg_port}",
            f"unix_socket_directories = '{self.pgdata}'",
            "max_connections = 200",
            "shared_buffers = 512MB",
            "work_mem = 16MB",
            "maintenance_work_mem = 512MB",
            "max_wal_size = 4GB",
            "checkpoint_timeout = 15min",
            "logging_collector = off",
            "log_min_duration_statement = 1000",
            "log_lock_waits = on",
        ]
        with open(self.pgdata / "postgresql.auto.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")

    def start_postgres(self) -> None:
        self.init_postgres()
        self._register_cleanup()
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.pgdata / "server.log"
        self._pg_ctl("start", "-w", "-t", "120", "-l", str(log))
        self._pg_started = True

    def restart_postgres(self) -> float:
        """``pg_ctl restart -m fast`` (open sessions are cut); returns seconds taken."""
        started = time.monotonic()
        self._pg_ctl("restart", "-m", "fast", "-w", "-t", "120", "-l", str(self.pgdata / "server.log"))
        return time.monotonic() - started

    def psql(self, sql: str, *, database: str = DB) -> list[tuple]:
        import psycopg

        with psycopg.connect(f"{self.admin_url}/{database}", autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def create_database(self) -> bool:
        """Create the database and its two roles; False when it exists already."""
        if self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'", database="postgres"):
            return False
        self.psql(f"CREATE DATABASE {DB}", database="postgres")
        self.manage("db_roles", "--admin-url", f"{self.admin_url}/{DB}")
        self.manage("migrate", "--noinput", "-v0")
        return True

    # ------------------------------------------------------------------ Redis

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
        )
        self._wait(lambda: self._redis_ping(), "redis", 20)

    def stop_redis(self) -> None:
        self._stop_process("redis")

    def _redis_ping(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    # ------------------------------------------------------------------ app processes

    def start_gunicorn(self) -> None:
        self._spawn(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        )
        self._wait(lambda: self.healthz()[0] is not None, "gunicorn", 240)

    def start_celery(self) -> None:
        self._spawn(
            "celery",
            [str(BIN / "celery"), "-A", "config", "worker", "--concurrency", "1",
             "--loglevel", "WARNING", "-n", f"load@{self.http_port}"],
        )

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "WARNING",
             "--schedule", str(self.root / "beat-schedule")],
        )

    def start_app(self) -> None:
        self.media.mkdir(parents=True, exist_ok=True)
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            self.manage("collectstatic", "--noinput", "-v0")  # the manifest production serves
        self.start_celery()
        self.start_beat()
        self.start_gunicorn()
        # /healthz: database, Redis and a Celery worker answering
        self._wait(self.healthy, "/healthz (database, Redis, Celery)", 180)

    def healthz(self) -> tuple[int | None, dict]:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            try:
                return response.status, json.loads(body)
            except ValueError:
                return response.status, {}
        except OSError:
            return None, {}

    def healthy(self) -> bool:
        status, body = self.healthz()
        return status == 200 and body.get("status") == "ok"

    def _wait(self, probe, what: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if probe():
                return
            time.sleep(0.3)
        raise SystemExit(f"{what} did not come up within {seconds:.0f} s (logs in {self.logs})")

    def gunicorn_workers(self) -> list[int]:
        import psutil

        process = self.processes.get("gunicorn")
        if process is None:
            return []
        return [child.pid for child in psutil.Process(process.pid).children()]

    def kill_gunicorn_worker(self) -> int:
        """SIGKILL one gunicorn worker (the arbiter starts a new one); returns its pid."""
        pid = self.gunicorn_workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def celery_pids(self) -> list[int]:
        import psutil

        process = self.processes.get("celery")
        if process is None or process.poll() is not None:
            return []
        main = psutil.Process(process.pid)
        return [main.pid, *(c.pid for c in main.children(recursive=True))]

    def kill_celery_worker(self) -> list[int]:
        """SIGKILL the Celery worker and its pool (as a crash would); not restarted here."""
        pids = self.celery_pids()
        process = self.processes.pop("celery", None)
        if process is not None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        return pids

    def process_pids(self) -> dict[str, list[int]]:
        """Pids by kind, for CPU sampling: postgres (all backends), gunicorn (arbiter and
        workers), celery (worker and pool), beat, redis."""
        import psutil

        out: dict[str, list[int]] = {}
        pid_file = self.pgdata / "postmaster.pid"
        if pid_file.exists():
            try:
                main = psutil.Process(int(pid_file.read_text().split()[0]))
                out["postgres"] = [main.pid, *(c.pid for c in main.children(recursive=True))]
            except (psutil.Error, ValueError):
                out["postgres"] = []
        for name in ("gunicorn", "celery", "beat", "redis"):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                out[name] = []
                continue
            try:
                main = psutil.Process(process.pid)
                out[name] = [main.pid, *(c.pid for c in main.children(recursive=True))]
            except psutil.Error:
                out[name] = []
        return out

    def start_all(self) -> None:
        self.start_postgres()
        self.start_redis()
        self.start_app()


def add_port_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--redis-port", type=int, default=56379)
    parser.add_argument("--http-port", type=int, default=58000)
    parser.add_argument("--web-workers", type=int, default=None,
                        help="gunicorn workers (default: config/gunicorn.conf.py, 2 × cores + 1)")


def stack_from_args(args) -> "Stack":
    return Stack(args.root, pg_port=args.pg_port, redis_port=args.redis_port,
                 http_port=args.http_port, web_workers=args.web_workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--root", default="/work/var/loadtest", type=Path)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--reuse", action="store_true", help="use the city already built")
    parser.add_argument("--hold", type=float, default=0, help="seconds to keep it up (0: until Ctrl-C)")
    add_port_arguments(parser)
    args = parser.parse_args()
    stack = stack_from_args(args)
    if args.command == "down":
        # A stack left behind by a killed run: stop its PostgreSQL (the others died with it).
        if (stack.pgdata / "postmaster.pid").exists():
            stack._pg_ctl("stop", "-m", "fast", check=False)
        return
    from bench.loadcity import city_ensure

    stack.start_postgres()
    stack.start_redis()
    city_ensure(stack, scale=args.scale, reuse=args.reuse)
    stack.start_app()
    print(f"stack up: http://127.0.0.1:{stack.http_port}/ (Ctrl-C stops it)", flush=True)
    deadline = time.monotonic() + args.hold if args.hold else None
    while deadline is None or time.monotonic() < deadline:
        time.sleep(1)
    stack.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
