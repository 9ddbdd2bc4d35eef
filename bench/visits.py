"""Visit benchmark: a year of visit history on the full city, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h6bench .venv/bin/python bench/visits.py --recreate

Steps: generate the city (``manage.py generate_city`` at ``--scale``), open a grid assignment for
every grid-worker role on a grid (≈ 32,000 workers, ≈ 11 per grid, no household split, so
every worker's list covers their whole grid — the heaviest case), then load in SQL:

- a year of visits (≈ 12 M at scale 1.0): each household visited on a rhythm set by its
  strongest care tag (every 7 days for weekly households, every 28 for monthly ones, every
  27–33 days for the others), 8 % of the planned visits skipped, 5 % "nobody met";
- patrols for the last 100 days: each worker on about 85 % of weekdays.

``VACUUM (ANALYZE)``, then it prints, through the selectors the app and the pages use:

- one worker's due lists (``visit_due_lists``: overdue, due today, due this week — one
  query over the worker's households with their windows derived from the visit history),
  the user loaded fresh each time: p50/p95/max over ``--samples`` workers — target p95 ≤ 50 ms;
- the city-wide compliance report for the current month (care groups) and quarter (the
  others) with patrol compliance (``compliance_by_area`` as a city officer, rolled up to
  streets, communities and grids): first run, median and best of three — target ≤ 5 s;
- for scale, one street's per-worker report (``compliance_by_worker``), informational.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, recreate_database  # noqa: E402
from bench.common import p95 as percentile_95  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TARGET_DUE_MS = 50.0
TARGET_REPORT_S = 5.0
TZ = "Asia/Shanghai"


def _load_history() -> None:
    """Grid assignments, a year of visits and 100 days of patrols, in SQL."""
    from django.db import connection, transaction

    from wangge.demo.bulk import PostgresBulkLoad
    from wangge.patrols.models import GridAssignment, Patrol, Visit

    today = f"(now() AT TIME ZONE '{TZ}')::date"
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            f"""INSERT INTO {GridAssignment._meta.db_table}
                    (worker_id, grid_id, area_path, since, until, created_by_id, created_at)
                SELECT ra.user_id, a.id, a.path, {today} - 400, NULL, NULL, now()
                FROM accounts_roleassignment AS ra
                JOIN areas_area AS a ON a.id = ra.area_id AND a.kind = 'grid'
                WHERE ra.role = 'grid_worker'"""
        )
        print(f"  grid assignments: {cursor.rowcount:,}", flush=True)

        loader = PostgresBulkLoad([Visit, Patrol])
        loader.begin()
        worker_of_grid = f"""(SELECT grid_id, min(worker_id) AS worker_id
                              FROM {GridAssignment._meta.db_table} GROUP BY grid_id) AS gw"""
        strongest = """(SELECT r.household_id,
                               min(CASE t.cadence WHEN 'weekly' THEN 1 WHEN 'monthly' THEN 2
                                   ELSE 3 END) AS rank
                        FROM people_resident AS r
                        JOIN people_resident_care_tags AS rt ON rt.resident_id = r.id
                        JOIN people_caretag AS t ON t.id = rt.caretag_id
                        GROUP BY r.household_id) AS c"""
        cursor.execute(
            f"""INSERT INTO {Visit._meta.db_table}
                    (household_id, worker_id, grid_id, area_path, at, date, mode, outcome,
                     notes, duty, changes, cadence, window_due, timing, created_at)
                SELECT h.id, gw.worker_id, h.grid_id, h.area_path,
                       (v.day + time '09:00' + (h.id % 480) * interval '1 minute')
                           AT TIME ZONE '{TZ}',
                       v.day,
                       CASE WHEN h.id % 5 = 0 THEN 'phone' ELSE 'in_person' END,
                       CASE WHEN random() < 0.05 THEN 'not_met' ELSE 'normal' END,
                       '', 'resident_service', '{{}}',
                       CASE coalesce(c.rank, 3) WHEN 1 THEN 'weekly' WHEN 2 THEN 'monthly'
                            ELSE 'quarterly' END,
                       v.day, 'on_time', now()
                FROM people_household AS h
                JOIN {worker_of_grid} ON gw.grid_id = h.grid_id
                LEFT JOIN {strongest} ON c.household_id = h.id
                CROSS JOIN LATERAL (
                    SELECT (CASE coalesce(c.rank, 3) WHEN 1 THEN 7 WHEN 2 THEN 28
                            ELSE 27 + (h.id % 7)::int END)::int AS gap
                ) AS rhythm
                CROSS JOIN LATERAL (
                    SELECT {today} - 365 + ((h.id * 7919) % rhythm.gap)::int + k * rhythm.gap
                           AS day
                    FROM generate_series(0, 365 / rhythm.gap) AS k
                ) AS v
                WHERE v.day < {today} AND random() >= 0.08"""
        )
        visits = cursor.rowcount
        print(f"  visits: {visits:,} in {time.perf_counter() - started:.0f} s", flush=True)

        started = time.perf_counter()
        cursor.execute(
            f"""INSERT INTO {Patrol._meta.db_table}
                    (worker_id, grid_id, area_path, client_ref, date, started_at, ended_at,
                     auto_closed, points, duties, notes, created_at)
                SELECT ga.worker_id, ga.grid_id, ga.area_path,
                       'bench-' || day::date || '-' || ga.grid_id, day::date,
                       (day::date + time '08:30') AT TIME ZONE '{TZ}',
                       (day::date + time '10:00') AT TIME ZONE '{TZ}',
                       false, '[]', '["governance"]', '', now()
                FROM {GridAssignment._meta.db_table} AS ga
                CROSS JOIN generate_series({today} - 100, {today} - 1, interval '1 day') AS day
                WHERE extract(isodow FROM day) < 6 AND random() < 0.85"""
        )
        print(
            f"  patrols: {cursor.rowcount:,} in {time.perf_counter() - started:.0f} s", flush=True
        )
        started = time.perf_counter()
        loader.finish()
        print(f"  indexes and foreign keys: {time.perf_counter() - started:.0f} s", flush=True)
        for model in (GridAssignment, Visit, Patrol):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=200, help="workers timed")
    add_database_arguments(parser, reuse_help="skip generation; time the queries on existing data")
    parser.add_argument(
        "--reload-history",
        action="store_true",
        help="with --reuse: delete the patrol tables' rows and load the history again",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at a PostgreSQL database, e.g. "
            "postgres://postgres@127.0.0.1:5432/h6bench"
        )
    if args.recreate:
        recreate_database(url, locale_c=args.locale_c)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.core import clock
    from wangge.demo.city import city_generate
    from wangge.patrols.models import (
        GridAssignment,
        HouseholdAssignment,
        Patrol,
        PatrolFinding,
        Visit,
        VisitNeed,
    )
    from wangge.patrols.selectors import (
        compliance_by_area,
        compliance_by_worker,
        visit_due_lists,
        with_window_fields,
        worker_households,
    )

    call_command("migrate", verbosity=0)
    if args.reuse and args.reload_history:
        with connection.cursor() as cursor:
            tables = ", ".join(
                model._meta.db_table
                for model in (
                    GridAssignment,
                    HouseholdAssignment,
                    PatrolFinding,
                    VisitNeed,
                    Patrol,
                    Visit,
                )
            )
            cursor.execute(f"TRUNCATE {tables}")
        print("loading the history again …", flush=True)
        _load_history()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    if not args.reuse:
        if Area.objects.exists():
            sys.exit("the database already holds a city: use --recreate (or --reuse)")
        print(f"generating the city at scale {args.scale} (seed {args.seed}) …", flush=True)
        started = time.perf_counter()
        stats = city_generate(scale=args.scale, seed=args.seed)
        print(
            f"  city: {stats.grids} grids, {stats.households:,} households, "
            f"{stats.residents:,} residents ({stats.tagged_residents:,} with care tags), "
            f"{stats.users:,} users in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        print("loading the history …", flush=True)
        _load_history()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.0f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [Visit._meta.db_table])
        visits_size = cursor.fetchone()[0]
    print(
        f"rows: {Visit.objects.count():,} visits ({visits_size}), "
        f"{Patrol.objects.count():,} patrols, {GridAssignment.objects.count():,} grid "
        f"assignments; database {size}"
    )

    rng = random.Random(args.seed)
    today = clock.today()
    worker_ids = sorted(
        set(GridAssignment.objects.filter(until__isnull=True).values_list("worker_id", flat=True))
    )
    sample = rng.sample(worker_ids, min(args.samples, len(worker_ids)))
    sizes = []

    def due(worker_id: int) -> None:
        user = User.objects.get(pk=worker_id)
        lists = visit_due_lists(worker=user, today=today)
        sizes.append((len(lists.overdue), len(lists.due_today), len(lists.due_this_week)))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average before timing: {load} (on {os.cpu_count()} CPUs)")
    for worker_id in sample[:5]:
        due(worker_id)
    sizes.clear()
    times = []
    for worker_id in sample:
        started = time.perf_counter()
        due(worker_id)
        times.append((time.perf_counter() - started) * 1000)
    p95 = percentile_95(times)
    mean = [sum(s[i] for s in sizes) / len(sizes) for i in range(3)]
    print(
        f"one worker's due lists (n={len(times)}): p50={statistics.median(times):.1f} ms  "
        f"p95={p95:.1f} ms  max={max(times):.1f} ms  (target ≤ {TARGET_DUE_MS:.0f} ms: "
        f"{'ok' if p95 <= TARGET_DUE_MS else 'MISSED'}); mean list sizes overdue "
        f"{mean[0]:.1f}, due today {mean[1]:.1f}, this week {mean[2]:.1f}"
    )

    city_officer = User.objects.get(
        pk=RoleAssignment.objects.filter(role=Role.CITY_OFFICER).values_list("user_id", flat=True)[
            0
        ]
    )
    for level in ("street", "community", "grid"):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            report = compliance_by_area(user=city_officer, level=level, today=today)
            runs.append(time.perf_counter() - started)
        total = report.total
        median = statistics.median(runs)
        print(
            f"city-wide compliance by {level:<9} ({len(report.rows):>4} rows): first "
            f"{runs[0]:.2f} s, median {median:.2f} s, best {min(runs):.2f} s  (target ≤ "
            f"{TARGET_REPORT_S:.0f} s: {'ok' if median <= TARGET_REPORT_S else 'MISSED'})"
        )
    print(
        f"  {report.month.label}: care households {total.care_done:,}/{total.care_due:,} "
        f"({total.care_rate}%); {report.quarter.label}: others "
        f"{total.other_done:,}/{total.other_due:,} ({total.other_rate}%); patrols "
        f"{total.patrol_days:,}/{total.working_days:,} grid-days ({total.patrol_rate}%)"
    )

    street_staff = RoleAssignment.objects.filter(role=Role.STREET_STAFF).order_by("id").first()
    if street_staff is not None:
        user = User.objects.get(pk=street_staff.user_id)
        started = time.perf_counter()
        rows = compliance_by_worker(user=user, today=today)
        print(
            f"one street's per-worker report ({len(rows)} workers): "
            f"{time.perf_counter() - started:.2f} s (informational)"
        )

    if args.explain:
        user = User.objects.get(pk=sample[0])
        queryset = with_window_fields(worker_households(worker=user, on=today))
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print("\n".join("    " + row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
