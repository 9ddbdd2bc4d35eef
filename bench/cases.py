"""Closed-loop benchmark: 1 M cases on top of the full city, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h4bench .venv/bin/python bench/cases.py --recreate

Steps: generate the city (``manage.py generate_city``, full area tree; ``--city-scale`` scales
the people only), load ``--cases`` cases spread over twelve months and all 2,814 grids
with COPY (plus ratings), ``VACUUM (ANALYZE)``, then print:

- a department's open-case work list (``case_list_visible_to(box="my_unit_open")``,
  page 1 of 20 plus its count, rows shaped like the API's): p50/p95/max over department
  handlers loaded fresh — target p95 ≤ 50 ms;
- the city-wide KPI table for the last full month (``kpi_table`` for a city officer, by
  department and by district) — target ≤ 2 s;
- case intake through the API (``POST /api/cases`` with an ``Idempotency-Key``, as a grid
  worker's session) on gunicorn, driven from a second process over loopback, as a ratio
  to a trivial JSON endpoint (``GET /bench/ping``, through the same middleware) on the
  same server in the same run — target ≥ 0.4 — with p50/p99 latency. ``--rounds``
  (default 3) repeats ping, intake, ping and reports the median ratio: on a shared
  2-core machine one 15 s run swings by ±10 %.

The generated cases are data, not workflow: timestamps and statuses are drawn directly
(deadlines use calendar days), no timeline events are written for them.
"""

import argparse
import csv
import http.client
import io
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, recreate_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TARGET_LIST_MS = 50.0
TARGET_KPI_S = 2.0
TARGET_RATIO = 0.4


# ------------------------------------------------------------------ gunicorn entry point
# ``gunicorn bench.cases:application`` serves the project plus one trivial JSON view, so
# both endpoints of the throughput test go through the same server and middleware.


def _ping(request):
    from django.http import JsonResponse

    return JsonResponse({"ok": True})


def __getattr__(name):
    if name == "application":
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        settings.ROOT_URLCONF = __name__
        return app
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/ping", _ping), path("", include("config.urls"))]
    raise AttributeError(name)


# ------------------------------------------------------------------ helpers


def _p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def _summary(times: list[float]) -> str:
    return (
        f"n={len(times):<4} p50={statistics.median(times):8.2f} ms  "
        f"p95={_p(times, 95):8.2f} ms  max={max(times):8.2f} ms"
    )


# ------------------------------------------------------------------ loading cases

SOURCES = (
    ["grid_worker"] * 55
    + ["resident"] * 25
    + ["hotline"] * 15
    + ["meeting", "department"] * 2
    + ["open311"]
)
PRIORITIES = ["urgent"] * 5 + ["high"] * 10 + ["normal"] * 75 + ["complex"] * 10
RESOLVE_HOURS = {"urgent": 2, "high": 24, "normal": 7 * 24, "complex": 15 * 24}
SIGN_HOURS = {"urgent": 0.5, "high": 2, "normal": 24, "complex": 24}
RECENT_STATUSES = (
    ["reported"] * 3
    + ["accepted"] * 2
    + ["dispatched"] * 10
    + ["in_progress"] * 20
    + ["resolved"] * 10
    + ["verified"] * 8
    + ["closed"] * 45
    + ["returned"] * 1
    + ["suspended"] * 1
)
OLD_STATUSES = ["closed"] * 95 + ["rejected"] * 2 + ["suspended"] * 1 + ["in_progress"] * 2
ORDER = ["reported", "accepted", "dispatched", "in_progress", "resolved", "verified", "closed"]
DESCRIPTIONS = [
    "路灯不亮",
    "井盖缺失",
    "垃圾堆积未清运",
    "楼道堆放杂物",
    "噪音扰民",
    "道路破损",
    "违规张贴小广告",
    "电动车楼道充电",
    "绿地脏乱",
    "供暖不热",
]


def load_cases(*, total: int, seed: int, now: datetime) -> dict:
    """COPY ``total`` cases and their ratings; returns counts."""
    from django.db import connection

    from wangge.accounts.models import Department
    from wangge.areas.models import Area
    from wangge.cases.models import Case, Category, Evaluation
    from wangge.cases.services import case_numbers_sync
    from wangge.core import clock, crypto
    from wangge.demo.bulk import table_columns

    rng = random.Random(f"wangge-cases:{seed}")
    grids = list(
        Area.objects.filter(kind="grid").values_list(
            "id", "path", "min_lat", "min_lng", "max_lat", "max_lng"
        )
    )
    community_ids = dict(Area.objects.filter(kind="community").values_list("path", "id"))
    departments_by_district: dict[str, list[int]] = {}
    city_departments: list[int] = []
    for dept_id, path in Department.objects.values_list("id", "area__path"):
        if len(path) == Area.steplen:
            city_departments.append(dept_id)
        else:
            departments_by_district.setdefault(path[: 2 * Area.steplen], []).append(dept_id)
    leaves = list(Category.objects.filter(depth=2).values_list("id", flat=True))
    phone_cipher = [crypto.encrypt(f"138{n:08d}") for n in range(200)]
    start_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    span = timedelta(days=365)
    per_day: dict[date, int] = {}
    columns = [
        "id",
        "number",
        "token",
        "category_id",
        "priority",
        "status",
        "source",
        "description",
        "address",
        "lat",
        "lng",
        "grid_id",
        "area_path",
        "anonymous",
        "private",
        "reporter_name",
        "reporter_phone_enc",
        "handler_department_id",
        "handler_area_id",
        "dispatcher_area_id",
        "paused_at",
        "paused_status",
        "pending_request",
        "pending_request_data",
        "supervision_count",
        "sign_due_at",
        "resolve_due_at",
        "accepted_at",
        "dispatched_at",
        "signed_at",
        "resolved_at",
        "verified_at",
        "closed_at",
        "result",
        "rework_count",
        "return_count",
        "reopen_count",
        "version",
        "created_at",
        "updated_at",
    ]
    # Columns added to the model later get their defaults (the demo's bulk loader helper).
    columns, extra = table_columns(Case, columns)
    ratings: list[tuple] = []
    # Numbers follow creation order within a day, so draw the instants first and sort.
    instants = sorted(now - span * rng.random() for _ in range(total))

    def iso(value):
        return value.isoformat() if value is not None else None

    def rows():
        for offset, created in enumerate(instants):
            case_id = start_id + offset
            grid_id, path, lat0, lng0, lat1, lng1 = grids[rng.randrange(len(grids))]
            day = created.astimezone(clock.LOCAL_TZ).date()
            per_day[day] = per_day.get(day, 0) + 1
            priority = rng.choice(PRIORITIES)
            age = now - created
            status = rng.choice(RECENT_STATUSES if age < timedelta(days=30) else OLD_STATUSES)
            reached = (
                ORDER.index(status)
                if status in ORDER
                else (
                    3 if status == "suspended" else 1 if status in ("returned", "rejected") else 0
                )
            )
            accepted = created + timedelta(minutes=rng.randint(5, 600)) if reached >= 1 else None
            dispatched = (
                accepted + timedelta(minutes=rng.randint(5, 600))
                if reached >= 2 or status == "returned"
                else None
            )
            if dispatched and dispatched > now:
                dispatched = now
            sign_due = resolve_due = signed = resolved = verified = closed = None
            handler_department = handler_area = None
            if dispatched:
                sign_due = dispatched + timedelta(hours=SIGN_HOURS[priority])
                resolve_due = dispatched + timedelta(hours=RESOLVE_HOURS[priority])
                if rng.random() < 0.9:
                    district = departments_by_district.get(path[: 2 * Area.steplen]) or []
                    pool = district if district and rng.random() < 0.85 else city_departments
                    handler_department = rng.choice(pool)
                else:
                    handler_area = community_ids[path[: 4 * Area.steplen]]
            if reached >= 3 and dispatched:
                late = rng.random() < 0.2
                signed = dispatched + (sign_due - dispatched) * (
                    rng.uniform(1.05, 3) if late else rng.uniform(0.05, 0.95)
                )
            if reached >= 4 and signed:
                late = rng.random() < 0.12
                resolved = signed + (resolve_due - dispatched) * (
                    rng.uniform(1.05, 2) if late else rng.uniform(0.05, 0.9)
                )
            if reached >= 5 and resolved:
                verified = resolved + timedelta(hours=rng.uniform(1, 48))
            if reached >= 6 and verified:
                closed = verified + timedelta(hours=rng.uniform(1, 72))
            stages = [accepted, dispatched, signed, resolved, verified, closed]
            if any(t is not None and t > now for t in stages):
                # a recent case: keep the part of its story that has happened by now
                cut = next(i for i, t in enumerate(stages) if t is not None and t > now)
                stages[cut:] = [None] * (len(stages) - cut)
                accepted, dispatched, signed, resolved, verified, closed = stages
                status = [
                    "reported",
                    "accepted",
                    "dispatched",
                    "in_progress",
                    "resolved",
                    "verified",
                    "closed",
                ][cut]
            if dispatched is None or status == "returned":
                sign_due = resolve_due = None
            if dispatched is None:
                handler_department = handler_area = None
            paused_at = None
            if status == "suspended":
                paused_at = min(now, (signed or dispatched) + timedelta(days=1))
            stamps = [t for t in (created, *stages) if t is not None]
            anonymous = rng.random() < 0.1
            with_phone = not anonymous and rng.random() < 0.4
            lat = rng.uniform(lat0, lat1)
            lng = rng.uniform(lng0, lng1)
            if closed and rng.random() < 0.6:
                roll = rng.random()
                rating = "satisfied" if roll < 0.85 else "basic" if roll < 0.95 else "unsatisfied"
                ratings.append((case_id, rating, closed))
            yield [
                case_id,
                f"{day:%Y%m%d}{per_day[day]:05d}",
                secrets.token_urlsafe(18),
                rng.choice(leaves),
                priority,
                status,
                rng.choice(SOURCES),
                rng.choice(DESCRIPTIONS),
                "",
                lat,
                lng,
                grid_id,
                path,
                anonymous,
                False,
                "" if anonymous or not with_phone else "张先生",
                rng.choice(phone_cipher) if with_phone else "",
                handler_department,
                handler_area,
                community_ids[path[: 4 * Area.steplen]],
                iso(paused_at),
                "in_progress" if paused_at else "",
                "",
                "{}",
                0,
                iso(sign_due),
                iso(resolve_due),
                iso(accepted),
                iso(dispatched),
                iso(signed),
                iso(resolved),
                iso(verified),
                iso(closed),
                "已处置" if resolved else "",
                1 if rng.random() < 0.03 else 0,
                1 if rng.random() < 0.04 else 0,
                0,
                1 + reached,
                iso(created),
                iso(max(stamps)),
            ]

    table = Case._meta.db_table
    loaded = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ) as copy:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows():
                writer.writerow(["\\N" if v is None else v for v in (*row, *extra)])
                loaded += 1
                if loaded % 20000 == 0:
                    copy.write(buffer.getvalue())
                    buffer.seek(0)
                    buffer.truncate()
                if loaded % 200000 == 0:
                    print(f"  {loaded:,} cases", flush=True)
            copy.write(buffer.getvalue())
        with raw.copy(
            f"COPY {Evaluation._meta.db_table} (case_id, rating, comment, at) FROM STDIN"
        ) as copy:
            for case_id, rating, at in ratings:
                copy.write_row((case_id, rating, "", at))
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    today = now.astimezone(clock.LOCAL_TZ).date()
    for day in (today, today + timedelta(days=1)):
        case_numbers_sync(day=day)
    return {"cases": loaded, "ratings": len(ratings)}


# ------------------------------------------------------------------ load client


def _client_main(args) -> None:
    """The second process: drive one endpoint for a while, print JSON figures."""
    spec = json.loads(args.client)
    host, port = "127.0.0.1", spec["port"]
    deadline = time.perf_counter() + spec["seconds"]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    headers = {
        "Cookie": f"sessionid={spec['session']}; csrftoken={spec['csrf']}",
        "X-CSRFToken": spec["csrf"],
        "Content-Type": "application/json",
    }
    points = spec["points"]

    def worker(index: int) -> None:
        rng = random.Random(index)
        while time.perf_counter() < deadline:
            if spec["endpoint"] == "ping":
                method, path, body, extra = "GET", "/bench/ping", None, {}
            else:
                lat, lng = points[rng.randrange(len(points))]
                body = json.dumps(
                    {
                        "category_id": spec["category"],
                        "description": "路灯不亮",
                        "lat": lat,
                        "lng": lng,
                        "source": "grid_worker",
                    }
                )
                method, path, extra = "POST", "/api/cases", {"Idempotency-Key": uuid.uuid4().hex}
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request(method, path, body=body, headers={**headers, **extra})
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError as exc:
                status = type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status in (200, 201):
                    latencies.append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(spec["concurrency"])]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    print(
        json.dumps(
            {
                "ok": len(latencies),
                "seconds": wall,
                "errors": errors,
                "p50": statistics.median(latencies) if latencies else None,
                "p99": _p(latencies, 99) if len(latencies) > 2 else None,
            }
        )
    )


def _drive(spec: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--client", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(args) -> None:
    from django.conf import settings
    from django.test import Client

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.cases.models import Case, Category

    worker_id = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER)
        .values_list("user_id", flat=True)
        .first()
    )
    user = User.objects.get(pk=worker_id)
    client = Client()
    client.force_login(user)
    # Grid workers sign in with a second factor in production: the timed session has passed it.
    from wangge.accounts.otp import SESSION_KEY
    from wangge.testing import otp_device_ensure

    state = client.session
    state[SESSION_KEY] = otp_device_ensure(user).pk
    state.save()
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)
    rng = random.Random(7)
    grids = list(
        Area.objects.filter(kind="grid").values_list("min_lat", "min_lng", "max_lat", "max_lng")
    )
    points = [
        (rng.uniform(a, c), rng.uniform(b, d))
        for a, b, c, d in (grids[rng.randrange(len(grids))] for _ in range(500))
    ]
    port = args.port
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "WANGGE_FIELD_KEY": settings.WANGGE_FIELD_KEY,
        "WANGGE_BLIND_INDEX_KEY": settings.WANGGE_BLIND_INDEX_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # the benchmark database is built by the superuser; production refuses that otherwise
        "WANGGE_DB_ALLOW_SUPERUSER": "true",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_CONN_MAX_AGE": "60",
        # the benchmark serves no static files, so skips collectstatic
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.cases:application",
            "--config",
            str(ROOT / "config" / "gunicorn.conf.py"),
            *(["--workers", str(args.workers)] if args.workers else []),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/bench/ping")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        base = {
            "port": port,
            "session": session,
            "csrf": csrf,
            "points": points,
            "category": Category.objects.get(code="C0103").pk,
            "concurrency": args.concurrency,
        }
        # warm every worker's connections and caches
        _drive({**base, "endpoint": "ping", "seconds": 2})
        _drive({**base, "endpoint": "intake", "seconds": 2})
        before = Case.objects.count()
        rounds = []
        for _ in range(args.rounds):
            figures = {}
            for label in ("ping", "intake", "ping2"):
                endpoint = "ping" if label.startswith("ping") else "intake"
                figures[label] = _drive({**base, "endpoint": endpoint, "seconds": args.seconds})
            rounds.append(figures)
        created = Case.objects.count() - before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    # as config/gunicorn.conf.py chooses them unless --workers says otherwise
    workers = args.workers or int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    print(
        f"\ngunicorn (config/gunicorn.conf.py), {workers} sync workers; client: second process, "
        f"{args.concurrency} connections, {args.seconds} s per run, loopback; "
        f"{args.rounds} rounds of ping, intake, ping"
    )
    ratios, requests = [], 0
    for number, figures in enumerate(rounds, 1):
        ping_rps = [figures[k]["ok"] / figures[k]["seconds"] for k in ("ping", "ping2")]
        intake = figures["intake"]
        requests += intake["ok"]
        ratios.append(intake["ok"] / intake["seconds"] / statistics.mean(ping_rps))
        for label in ("ping", "intake", "ping2"):
            f = figures[label]
            print(
                f"  round {number} {label:<7} {f['ok'] / f['seconds']:8.1f} req/s  "
                f"p50={f['p50']:.1f} ms  p99={f['p99']:.1f} ms  errors={f['errors'] or 0}"
            )
        print(f"  round {number} ratio {ratios[-1]:.2f}")
    ratio = statistics.median(ratios)
    p99 = statistics.median(figures["intake"]["p99"] for figures in rounds)
    print(
        f"intake ratio to trivial endpoint, median of {len(ratios)} rounds: {ratio:.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}; target ≥ {TARGET_RATIO}: "
        f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'}); intake p99 {p99:.1f} ms (median);"
        f" cases created {created:,} for {requests:,} answered reports"
        f" ({'one each' if created == requests else 'MISMATCH'})"
    )


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--city-scale",
        type=float,
        default=1.0,
        help="people scale of the generated city (the area tree is always full)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=200)
    add_database_arguments(parser, reuse_help="skip city and case generation; time the existing data")
    parser.add_argument("--no-http", action="store_true", help="skip the throughput test")
    parser.add_argument(
        "--http-only", action="store_true", help="with --reuse: only the throughput test"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: config/gunicorn.conf.py)"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="ping, intake, ping rounds")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _client_main(args)
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/h4bench"
        )
    if args.recreate:
        recreate_database(url, locale_c=args.locale_c)

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection, transaction

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.cases.kpi import kpi_table
    from wangge.cases.models import Case
    from wangge.cases.selectors import case_list_visible_to
    from wangge.core import clock
    from wangge.demo.city import city_generate

    call_command("migrate", verbosity=0)
    now = clock.now()
    if not args.reuse:
        if Case.objects.exists():
            sys.exit("the database already holds cases: use --recreate (or --reuse)")
        if not Area.objects.exists():
            print(f"generating the city (people scale {args.city_scale}) …", flush=True)
            started = time.perf_counter()
            city_generate(scale=args.city_scale, seed=args.seed)
            print(f"city: {time.perf_counter() - started:.0f} s", flush=True)
        print(f"loading {args.cases:,} cases …", flush=True)
        started = time.perf_counter()
        with transaction.atomic():
            counts = load_cases(total=args.cases, seed=args.seed, now=now)
        print(
            f"cases: {counts['cases']:,} cases, {counts['ratings']:,} ratings in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.0f} s")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('cases_case')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        case_size, db_size = cursor.fetchone()
    open_count = Case.objects.filter(status__in=["dispatched", "in_progress", "suspended"]).count()
    print(
        f"rows: {Case.objects.count():,} cases ({open_count:,} open with a handler unit); "
        f"cases table {case_size}, database {db_size}"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average before timing: {load} (on {os.cpu_count()} CPUs)\n")
    if args.http_only:
        throughput(args)
        return

    rng = random.Random(args.seed)
    handlers = list(
        RoleAssignment.objects.filter(role=Role.DEPARTMENT_HANDLER).values_list(
            "user_id", flat=True
        )
    )
    sample = [rng.choice(handlers) for _ in range(args.samples)]

    def work_list(user_id: int) -> int:
        user = User.objects.get(pk=user_id)
        page = Paginator(case_list_visible_to(user=user, box="my_unit_open"), 20).page(1)
        rows = [
            (
                c.number,
                c.category.name,
                c.status,
                c.resolve_due_at,
                c.is_overdue,
                (c.handler_department or c.handler_area).name,
            )
            for c in page.object_list
        ]
        return page.paginator.count + len(rows) * 0

    for user_id in sample[:5]:
        work_list(user_id)
    times, sizes = [], []
    for user_id in sample:
        started = time.perf_counter()
        sizes.append(work_list(user_id))
        times.append((time.perf_counter() - started) * 1000)
    verdict = "ok" if _p(times, 95) <= TARGET_LIST_MS else "MISSED"
    print(
        f"department open-case work list, page 1 + count: {_summary(times)} "
        f"(target p95 ≤ {TARGET_LIST_MS:.0f} ms: {verdict}); "
        f"open cases per department median {statistics.median(sizes):.0f}, max {max(sizes)}"
    )

    city_officer = User.objects.get(
        pk=RoleAssignment.objects.filter(role=Role.CITY_OFFICER).values_list("user_id", flat=True)[
            0
        ]
    )
    today = now.astimezone(clock.LOCAL_TZ).date()
    month_end = today.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    for group_by in ("department", "district"):
        kpi_table(
            user=city_officer, period_start=month_start, period_end=month_end, group_by=group_by
        )
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            table = kpi_table(
                user=city_officer, period_start=month_start, period_end=month_end, group_by=group_by
            )
            runs.append(time.perf_counter() - started)
        cohort = sum(row["dispatched"] for row in table)
        verdict = "ok" if max(runs) <= TARGET_KPI_S else "MISSED"
        print(
            f"city-wide KPI table {month_start:%Y-%m} by {group_by:<10} rows={len(table):<4} "
            f"cases={cohort:,}: median {statistics.median(runs):.2f} s, max {max(runs):.2f} s "
            f"(target ≤ {TARGET_KPI_S:.0f} s: {verdict})"
        )

    if args.explain:
        user = User.objects.get(pk=sample[0])
        qs = case_list_visible_to(user=user, box="my_unit_open")
        sql, params = qs[:20].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print("\n".join("    " + r[0] for r in cursor.fetchall()))

    if not args.no_http:
        throughput(args)


if __name__ == "__main__":
    main()
