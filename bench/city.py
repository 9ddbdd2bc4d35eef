"""Full-city benchmark: generate Baotou at a scale into PostgreSQL and time the hot queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2bench .venv/bin/python bench/city.py --scale 1.0

Prints the generation time, the database size and, through the same selectors the pages
use, p50/p95/max of: a grid worker's resident list (page 1 of 20 plus its count), finding
a resident by ID number (blind index), and care-tag counts for a street officer.
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

TARGETS_MS = {"grid_page": 50.0, "id_lookup": 5.0, "street_care_tags": 200.0}


def _timed(fn, samples, warmup: int = 5) -> list[float]:
    for sample in samples[:warmup]:
        fn(sample)
    times = []
    for sample in samples:
        start = time.perf_counter()
        fn(sample)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _report(label: str, key: str, times: list[float]) -> None:
    p95 = percentile_95(times)
    verdict = "ok" if p95 <= TARGETS_MS[key] else "MISSED"
    print(
        f"{label:<44} n={len(times):<4} p50={statistics.median(times):7.2f} ms  "
        f"p95={p95:7.2f} ms  max={max(times):7.2f} ms  (target ≤ {TARGETS_MS[key]:.0f} ms: {verdict})"
    )


def _explain(queryset) -> None:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join("    " + row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=200, help="timed runs per query")
    add_database_arguments(parser, reuse_help="skip generation; time the queries on existing data")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at a PostgreSQL database, e.g. "
            "postgres://postgres@127.0.0.1:5432/h2bench"
        )
    if args.recreate:
        recreate_database(url, locale_c=args.locale_c)

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.demo.city import city_generate
    from wangge.people.models import Household, Resident
    from wangge.people.selectors import care_tag_counts, resident_list_visible_to

    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Area.objects.exists():
            sys.exit("the database already holds a city: use --recreate (or --reuse)")
        print(f"generating the city at scale {args.scale} (seed {args.seed}) …", flush=True)
        started = time.perf_counter()
        stats = city_generate(
            scale=args.scale, seed=args.seed, progress=lambda m: print(m, flush=True)
        )
        elapsed = time.perf_counter() - started
        phases = ", ".join(f"{k} {v:.0f} s" for k, v in stats.phases.items())
        print(
            f"generation: {elapsed:.0f} s ({elapsed / 60:.1f} min; {phases}) — target ≤ 10 min: "
            f"{'ok' if elapsed <= 600 else 'MISSED'}"
        )
        print(
            f"  {stats.grids} grids, {stats.buildings} buildings, {stats.households:,} households,"
            f" {stats.residents:,} residents ({stats.tagged_residents:,} with care tags),"
            f" {stats.users:,} users"
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.0f} s")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s)), "
            "pg_size_pretty(pg_total_relation_size(%s))",
            [Resident._meta.db_table, Household._meta.db_table],
        )
        residents_size, households_size = cursor.fetchone()
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        collation = cursor.fetchone()[0]
    print(
        f"database size: {size} (residents {residents_size}, households {households_size});"
        f" collation {collation}"
    )
    print(f"rows: {Resident.objects.count():,} residents, {Household.objects.count():,} households")

    rng = random.Random(args.seed)
    populated = set(Household.objects.values_list("grid_id", flat=True).distinct())
    workers = list(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, area_id__in=populated).values_list(
            "user_id", flat=True
        )
    )
    street_officers = {}
    for user_id, area_id in RoleAssignment.objects.filter(role=Role.STREET_STAFF).values_list(
        "user_id", "area_id"
    ):
        street_officers.setdefault(area_id, user_id)
    city_officer = (
        RoleAssignment.objects.filter(role=Role.CITY_OFFICER).values_list("user_id", flat=True)
    )[0]
    last_id = Resident.objects.order_by("-id").values_list("id", flat=True)[0]
    wanted = {rng.randint(1, last_id) for _ in range(args.samples * 2)}
    id_numbers = [r.id_number for r in Resident.objects.filter(id__in=wanted)][: args.samples]

    def grid_page(user_id: int) -> None:
        user = User.objects.get(pk=user_id)
        page = Paginator(resident_list_visible_to(user=user), 20).page(1)
        rows = [(r.name, r.id_number_masked, r.household.address) for r in page.object_list]
        assert rows and page.paginator.count >= len(rows)

    def id_lookup(number: str) -> None:
        user = User.objects.get(pk=city_officer)
        found = list(resident_list_visible_to(user=user, id_number=number)[:20])
        assert len(found) == 1

    def street_care_tags(user_id: int) -> None:
        user = User.objects.get(pk=user_id)
        assert care_tag_counts(user=user)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average before timing: {load} (on {os.cpu_count()} CPUs)")
    _report(
        "grid worker: residents of one grid, page 1",
        "grid_page",
        _timed(grid_page, rng.sample(workers, min(args.samples, len(workers)))),
    )
    _report(
        "find a resident by ID number (city officer)", "id_lookup", _timed(id_lookup, id_numbers)
    )
    streets = list(street_officers.values())
    _report(
        "care-tag counts under one street (all streets)",
        "street_care_tags",
        _timed(street_care_tags, streets, warmup=3),
    )

    if args.explain:
        user = User.objects.get(pk=workers[0])
        print("\nEXPLAIN: grid page 1")
        _explain(resident_list_visible_to(user=user)[:20])
        print("EXPLAIN: grid count (the rows the page's count reads)")
        _explain(resident_list_visible_to(user=user).order_by().values("id"))
        print("EXPLAIN: ID lookup")
        _explain(
            resident_list_visible_to(
                user=User.objects.get(pk=city_officer), id_number=id_numbers[0]
            )
        )
        biggest = max(
            street_officers,
            key=lambda area_id: Resident.objects.filter(
                area_path__startswith=Area.objects.get(pk=area_id).path
            ).count(),
        )
        print("EXPLAIN: care-tag counts under the biggest street")
        from django.db.models import Count

        street_user = User.objects.get(pk=street_officers[biggest])
        _explain(
            resident_list_visible_to(user=street_user)
            .order_by()
            .filter(care_tags__isnull=False)
            .values("care_tags__code")
            .annotate(total=Count("id"))
        )


if __name__ == "__main__":
    main()
