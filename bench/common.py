"""Helpers shared by the benchmark scripts."""

import argparse
import os
import statistics
import sys
import time


def recreate_database(url: str, *, locale_c: bool = False) -> None:
    """Drop and create the database named in ``url`` (through the ``postgres`` database).

    ``locale_c`` creates it with the C collation, only to compare against the default one
    (the app's scope filters are index ranges that work under any collation)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if locale_c:
        create += sql.SQL(" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(create)


def p95(times: list[float]) -> float:
    if len(times) < 2:
        return max(times)
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def add_database_arguments(parser: argparse.ArgumentParser, *, reuse_help: str) -> None:
    """--recreate, --locale-c and --reuse, the same for every full-city benchmark."""
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="DROP and CREATE the database named in DATABASE_URL first (destroys its data)",
    )
    parser.add_argument(
        "--locale-c",
        action="store_true",
        help="with --recreate: create the database with LC_COLLATE 'C' (see bench/README.md)",
    )
    parser.add_argument("--reuse", action="store_true", help=reuse_help)


def peak_rss_kib() -> int:
    """This process's peak resident memory in KiB. ``VmHWM`` belongs to the process's own
    address space; ``getrusage``'s ``ru_maxrss`` survives ``exec`` on Linux, so a child
    started by a large parent would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def city_ready(args: argparse.Namespace) -> None:
    """The start of a full-city benchmark on PostgreSQL: ``DATABASE_URL`` must name one;
    ``--recreate`` drops it first; Django set up (no query log), migrated, and the city
    generated at ``args.scale`` with ``args.seed`` unless ``--reuse`` (never over a city
    that is there already)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    if args.recreate:
        recreate_database(url, locale_c=args.locale_c)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.reuse:
        return
    from wangge.areas.models import Area
    from wangge.demo.city import city_generate

    if Area.objects.exists():
        sys.exit("the database has a city already: --recreate or --reuse")
    started = time.perf_counter()
    city_generate(scale=args.scale, seed=args.seed)
    print(f"city at scale {args.scale}: {time.perf_counter() - started:.0f} s", flush=True)
