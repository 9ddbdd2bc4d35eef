"""Dashboard benchmark: p95 of the city and of a street dashboard on the full city.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7bench .venv/bin/python bench/dashboard.py --recreate

Builds (or reuses) Baotou with ``manage.py generate_city`` at ``--scale``, then adds, in SQL, a year
of closed-loop and grid-worker records: ``--cases`` cases (1 M by default) spread over the last
365 days with statuses, deadlines, handler departments, ratings and summonses; a patrol per
grid worker on about 85 % of weekdays; a visit per household per quarter and, for households
with a care tag, per month. Then it requests the dashboard pages through Django's test client
(middleware, scope lookup, every indicator, the 12-month trend, the department ranking and the
template) as a city officer and as street officers (a different street each time).

The dashboards read the precomputed figures (``wangge/indicators/rollups.py``): the script
first rebuilds the current month and the 12 before it, as the periodic job does, and prints
how long each month takes (the price of freshness: a month older than
``WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES`` is computed live instead). There is no other
cache: the very first request of each kind is printed on its own, the p95 is over the
following ``--samples`` requests. With ``--live-samples N`` the pages are also timed with the
rollup switched off, every figure computed from the records, with the time of each source.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import p95 as percentile_95  # noqa: E402
from bench.common import recreate_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# The timed users sign in with force_login: the second factor is not what is measured.
os.environ.setdefault("WANGGE_OTP_REQUIRED_ROLES", "none")

TARGET_MS = 1000.0


def _insert_select(model, exprs: dict[str, str], from_sql: str, params: list | None = None) -> int:
    """INSERT INTO model's table SELECT exprs FROM ... ; columns not named take the model
    field's default (so the script follows the models as they change)."""
    from django.db import connection

    columns, values, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in exprs:
            values.append(exprs[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        elif field.has_default():
            default = field.get_default()
            if field.get_internal_type() == "JSONField":
                values.append("%s::jsonb")
                args.append(json.dumps(default))
            else:
                values.append("%s")
                args.append(default)
        elif field.null:
            values.append("NULL")
        elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
            values.append("''")
        else:
            raise RuntimeError(f"{model.__name__}.{field.name}: no value and no default")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {from_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, args + list(params or []))
        return cursor.rowcount


def generate_records(cases: int) -> None:
    from django.db import connection, transaction

    from wangge.cases.models import Case, CaseEvent, Evaluation, Summons, SummonsResponse
    from wangge.patrols.models import Patrol, Visit

    tz = "Asia/Shanghai"
    with transaction.atomic():
        started = time.perf_counter()
        count = _insert_select(
            Case,
            {
                "number": "'B' || lpad(s.i::text, 12, '0')",
                "token": "md5('bench' || s.i)",
                "category_id": "c.id",
                "priority": "'normal'",
                "status": "s.status",
                "source": "(ARRAY['resident','grid_worker','hotline','grid_worker','resident'])"
                "[1 + s.i %% 5]",
                "description": "'路面破损，请尽快处理'",
                "lat": "g.lat0 + g.dlat * s.r2",
                "lng": "g.lng0 + g.dlng * s.r3",
                "grid_id": "g.id",
                "area_path": "g.path",
                "handler_department_id": "CASE WHEN s.dispatched THEN d.id END",
                "dispatcher_area_id": "g.id",
                "sign_due_at": "CASE WHEN s.dispatched THEN s.created + interval '25 hours' END",
                "resolve_due_at": "CASE WHEN s.dispatched THEN s.created + interval '7 days' END",
                "accepted_at": "CASE WHEN s.status <> 'rejected' THEN s.created END",
                "dispatched_at": "CASE WHEN s.dispatched THEN s.created + interval '1 hour' END",
                "signed_at": "CASE WHEN s.signed THEN s.created + interval '1 hour'"
                " + s.r2 * interval '30 hours' END",
                "resolved_at": "CASE WHEN s.resolved THEN s.created + interval '1 hour'"
                " + s.r3 * interval '9 days' END",
                "closed_at": "CASE WHEN s.status = 'closed' THEN s.created + interval '11 days' END",
                "rework_count": "(s.r2 < 0.05)::int",
                "return_count": "(s.r3 < 0.03)::int",
                "created_at": "s.created",
                "updated_at": "s.created",
            },
            """
            FROM (
                SELECT i, r, r2, r3, created, status,
                       status NOT IN ('rejected', 'accepted') AS dispatched,
                       status NOT IN ('rejected', 'accepted', 'dispatched') AS signed,
                       status IN ('resolved', 'verified', 'closed') AS resolved
                FROM (
                    SELECT i, r, r2, r3, now() - random() * interval '365 days' AS created,
                           CASE WHEN r < 0.03 THEN 'rejected' WHEN r < 0.05 THEN 'accepted'
                                WHEN r < 0.09 THEN 'dispatched' WHEN r < 0.15 THEN 'in_progress'
                                WHEN r < 0.19 THEN 'resolved' WHEN r < 0.23 THEN 'verified'
                                WHEN r < 0.99 THEN 'closed' ELSE 'suspended' END AS status
                    FROM (SELECT i, random() AS r, random() AS r2, random() AS r3
                          FROM generate_series(1, %s) AS i) AS raw
                ) AS dated
            ) AS s
            JOIN (SELECT id, path, coalesce(min_lat, 40.6) AS lat0, coalesce(min_lng, 109.8) AS lng0,
                         coalesce(max_lat - min_lat, 0.01) AS dlat,
                         coalesce(max_lng - min_lng, 0.01) AS dlng,
                         row_number() OVER (ORDER BY id) - 1 AS rn,
                         count(*) OVER () AS n
                  FROM areas_area WHERE kind = 'grid') AS g
              ON g.rn = (s.i::bigint * 2654435761) %% g.n
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n
                  FROM cases_category WHERE numchild = 0) AS c
              ON c.rn = (s.i::bigint * 40503) %% c.n
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n
                  FROM accounts_department) AS d
              ON d.rn = (s.i::bigint * 7919) %% d.n
            """,
            [cases],
        )
        print(f"  cases: {count:,} in {time.perf_counter() - started:.0f} s", flush=True)

        started = time.perf_counter()
        count = _insert_select(
            Evaluation,
            {
                "case_id": "k.id",
                "rating": "CASE WHEN random() < 0.78 THEN 'satisfied' WHEN random() < 0.7"
                " THEN 'basic' ELSE 'unsatisfied' END",
                "comment": "''",
                "at": "k.closed_at",
            },
            "FROM cases_case AS k WHERE k.status = 'closed' AND random() < 0.6",
        )
        print(f"  evaluations: {count:,} in {time.perf_counter() - started:.0f} s", flush=True)

        # The timeline rows returns and failed checks are counted from (each against the
        # unit that earned it): a dispatch per dispatched case, a return for a returned one,
        # a check for a verified or closed one, and a failed check before it for a reworked one.
        started = time.perf_counter()
        count = 0
        unit = "jsonb_build_object('handler_department', k.handler_department_id)"
        for action, at, data, where in (
            ("dispatch", "k.dispatched_at", unit, "k.dispatched_at IS NOT NULL"),
            (
                "return",
                "k.dispatched_at + interval '2 hours'",
                unit,
                "k.return_count > 0 AND k.dispatched_at IS NOT NULL",
            ),
            (
                "verify",
                "k.resolved_at - interval '1 hour'",
                "'{\"passed\": false}'::jsonb",
                "k.rework_count > 0 AND k.resolved_at IS NOT NULL",
            ),
            (
                "verify",
                "k.resolved_at + interval '1 hour'",
                "'{\"passed\": true}'::jsonb",
                "k.status IN ('verified', 'closed')",
            ),
        ):
            count += _insert_select(
                CaseEvent,
                {
                    "case_id": "k.id",
                    "at": at,
                    "action": f"'{action}'",
                    "data": data,
                },
                f"FROM cases_case AS k WHERE {where} ORDER BY k.id",
            )
        print(f"  case events: {count:,} in {time.perf_counter() - started:.0f} s", flush=True)

        started = time.perf_counter()
        count = _insert_select(
            Summons,
            {
                "case_id": "k.id",
                "street_id": "st.id",
                "issued_at": "k.dispatched_at + interval '2 hours'",
                "urgent": "k.id %% 2 = 0",
                "reason": "''",
            },
            """FROM cases_case AS k
               JOIN areas_area AS st ON st.path = substr(k.area_path, 1, 12)
               WHERE k.dispatched_at IS NOT NULL AND k.id %% 300 = 0""",
        )
        responses = _insert_select(
            SummonsResponse,
            {
                "summons_id": "sm.id",
                "department_id": "d.id",
                "due_at": "sm.issued_at + interval '1 day'",
                "checked_in_at": "sm.issued_at + random() * interval '30 hours'",
                "rating": "1 + (random() * 4)::int",
                "rating_note": "''",
            },
            """FROM cases_summons AS sm
               CROSS JOIN generate_series(0, 1) AS k
               JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n
                     FROM accounts_department) AS d
                 ON d.rn = (sm.id * 31 + k * 7) %% d.n""",
        )
        print(
            f"  summonses: {count:,}, responses {responses:,} in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )

        started = time.perf_counter()
        count = _insert_select(
            Patrol,
            {
                "worker_id": "ra.user_id",
                "grid_id": "a.id",
                "area_path": "a.path",
                "client_ref": "'bench-' || day::date",
                "date": "day::date",
                "started_at": f"(day::date + time '08:30') AT TIME ZONE '{tz}'",
                "ended_at": f"(day::date + time '10:00') AT TIME ZONE '{tz}'",
            },
            f"""FROM accounts_roleassignment AS ra
                JOIN areas_area AS a ON a.id = ra.area_id AND a.kind = 'grid'
                CROSS JOIN generate_series((now() AT TIME ZONE '{tz}')::date - 365,
                                           (now() AT TIME ZONE '{tz}')::date - 1,
                                           interval '1 day') AS day
                WHERE ra.role = 'grid_worker' AND extract(isodow FROM day) < 6
                  AND random() < 0.85""",
        )
        print(f"  patrols: {count:,} in {time.perf_counter() - started:.0f} s", flush=True)

        started = time.perf_counter()
        worker_of_grid = """(SELECT area_id, min(user_id) AS user_id FROM accounts_roleassignment
                             WHERE role = 'grid_worker' GROUP BY area_id) AS gw"""
        visit_columns = {
            "household_id": "h.id",
            "worker_id": "gw.user_id",
            "grid_id": "h.grid_id",
            "area_path": "h.area_path",
            "at": f"(v.day + time '15:00') AT TIME ZONE '{tz}'",
            "date": "v.day",
            "mode": "CASE WHEN h.id %% 4 = 0 THEN 'phone' ELSE 'in_person' END",
            "outcome": "CASE WHEN h.id %% 17 = 0 THEN 'not_met' ELSE 'normal' END",
            "notes": "''",
            "duty": "'resident_service'",
            "window_due": "v.day",
            "timing": "'on_time'",
        }
        quarterly = _insert_select(
            Visit,
            visit_columns | {"cadence": "'quarterly'"},
            f"""FROM people_household AS h
                JOIN {worker_of_grid} ON gw.area_id = h.grid_id
                CROSS JOIN LATERAL (
                    SELECT ((now() AT TIME ZONE '{tz}')::date - 365 + (q * 91 + h.id %% 80)::int) AS day
                    FROM generate_series(0, 3) AS q) AS v
                WHERE v.day < (now() AT TIME ZONE '{tz}')::date""",
        )
        monthly = _insert_select(
            Visit,
            visit_columns | {"cadence": "'monthly'"},
            f"""FROM people_household AS h
                JOIN {worker_of_grid} ON gw.area_id = h.grid_id
                CROSS JOIN LATERAL (
                    SELECT ((now() AT TIME ZONE '{tz}')::date - 365 + (m * 30 + 10 + h.id %% 15)::int)
                           AS day
                    FROM generate_series(0, 11) AS m) AS v
                WHERE v.day < (now() AT TIME ZONE '{tz}')::date
                  AND EXISTS (SELECT 1 FROM people_resident AS r
                              JOIN people_resident_care_tags AS rt ON rt.resident_id = r.id
                              WHERE r.household_id = h.id)""",
        )
        print(
            f"  visits: {quarterly:,} quarterly + {monthly:,} monthly in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    with connection.cursor() as cursor:
        for model in (Case, Evaluation, Summons, SummonsResponse, Patrol, Visit):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {model._meta.db_table}))"
            )


def _time_page(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _report(label: str, first: float, times: list[float]) -> None:
    p95 = percentile_95(times)
    verdict = "ok" if p95 <= TARGET_MS else "MISSED"
    print(
        f"{label:<34} first={first:7.0f} ms  n={len(times):<3} p50={statistics.median(times):7.0f} ms"
        f"  p95={p95:7.0f} ms  max={max(times):7.0f} ms  (target ≤ {TARGET_MS:.0f} ms: {verdict})",
        flush=True,
    )


def _breakdown(user, area, period) -> None:
    """Time of each source's grouped query for one node (where the page's time goes)."""
    from wangge.indicators.definitions import SOURCES
    from wangge.indicators.selectors import STEP, _collect

    parts = []
    for source in SOURCES.values():
        if not source.available():
            continue
        started = time.perf_counter()
        _collect(source, prefix=area.path, period=period, child_len=(area.depth + 1) * STEP)
        parts.append((source.key, (time.perf_counter() - started) * 1000))
    print("    " + ", ".join(f"{key} {ms:.0f}" for key, ms in parts) + " (ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=40, help="timed requests per dashboard")
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="DROP and CREATE the database in DATABASE_URL first (destroys it)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip generation; time the pages on the data already there",
    )
    parser.add_argument("--period", default="", help="YYYY-MM (default: the current month)")
    parser.add_argument(
        "--no-refresh", action="store_true", help="time with the precomputed figures already there"
    )
    parser.add_argument(
        "--live-samples",
        type=int,
        default=3,
        help="also time the pages computed live (no rollup); 0 to skip",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/h7bench"
        )
    if args.recreate:
        recreate_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.cases.models import Case
    from wangge.demo.city import city_generate
    from wangge.indicators.periods import Period
    from wangge.indicators.rollups import rollup_refresh_recent
    from wangge.indicators.selectors import department_ranking
    from wangge.patrols.models import Patrol, Visit

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    # The bench times the dashboards, not the second factor street officers sign in with.
    settings.WANGGE_OTP_REQUIRED_ROLES = []
    call_command("migrate", verbosity=0)
    if not args.reuse:
        if not Area.objects.exists():
            print(f"generating the city at scale {args.scale} (seed {args.seed}) …", flush=True)
            started = time.perf_counter()
            city_generate(scale=args.scale, seed=args.seed)
            print(f"  city: {time.perf_counter() - started:.0f} s", flush=True)
        if Case.objects.exists():
            sys.exit("the database already holds cases: use --recreate (or --reuse)")
        print(f"adding {args.cases:,} cases and a year of patrols and visits …", flush=True)
        generate_records(args.cases)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE): {time.perf_counter() - started:.0f} s", flush=True)

    print(
        f"records: {Case.objects.count():,} cases, {Patrol.objects.count():,} patrols, "
        f"{Visit.objects.count():,} visits, {Area.objects.filter(kind='grid').count():,} grids",
        flush=True,
    )
    period = Period.parse(args.period)
    if not args.no_refresh:
        print("rebuilding the precomputed figures (current month and the 12 before) …", flush=True)
        for run in rollup_refresh_recent(months=13):
            print(f"  {run.period:%Y-%m}: {run.rows:,} rows in {run.seconds:.1f} s", flush=True)
    city = Area.objects.get(depth=1)
    city_officer = User.objects.get(
        pk=RoleAssignment.objects.filter(role=Role.CITY_OFFICER).values_list("user_id", flat=True)[
            0
        ]
    )
    street_officers = list(
        RoleAssignment.objects.filter(role=Role.STREET_STAFF)
        .order_by("area__path", "user_id")
        .distinct("area__path")
        .values_list("user_id", "area__code")
    )
    client = Client()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"period {period.key}; load average before timing: {load} (on {os.cpu_count()} CPUs)")

    def run(label: str, samples: int) -> None:
        client.force_login(city_officer)
        city_url = f"/dashboard/{city.code}/?period={period.key}"
        first = _time_page(client, city_url)
        _report(
            f"city dashboard {label}", first, [_time_page(client, city_url) for _ in range(samples)]
        )
        times, first = [], None
        for index in range(samples + 1):
            user_id, code = street_officers[index % len(street_officers)]
            client.force_login(User.objects.get(pk=user_id))
            elapsed = _time_page(client, f"/dashboard/{code}/?period={period.key}")
            if first is None:
                first = elapsed
            else:
                times.append(elapsed)
        _report(f"street dashboard {label}", first, times)

    run("(precomputed)", args.samples)
    started = time.perf_counter()
    department_ranking(user=city_officer, area=city, period=period)
    print(
        f"    of which the department ranking (city): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    if args.live_samples:
        settings.WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES = 0
        run("(live, no rollup)", args.live_samples)
        print("    live time per source, city:")
        _breakdown(city_officer, city, period)
        street = Area.objects.get(code=street_officers[0][1])
        print("    live time per source, a street:")
        _breakdown(User.objects.get(pk=street_officers[0][0]), street, period)


if __name__ == "__main__":
    main()
