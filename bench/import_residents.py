"""Benchmark: a 100,000-row resident Excel import through the upload's own code path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h1bench .venv/bin/python bench/import_residents.py

Migrates the database given by DATABASE_URL, uses its city (or builds a small one when
it has no grids), generates an .xlsx of valid residents across one street's grids, and
imports it in a child process through ``people_import`` — the service the import page
calls — with full validation, blind-index duplicate checks and field encryption.

Prints the import's wall time (target ≤ 60 s) and the child's peak resident set size,
``VmHWM`` (``bench.common.peak_rss_kib``) read at its end (target ≤ 300 MiB); that
figure includes the interpreter and Django, whose own share is printed beside it.
The imported rows are deleted afterwards unless ``--keep`` is given.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss_kib  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海燕宇浩"
HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "证件类型",
    "证件号码",
    "联系电话",
    "与户主关系",
    "居住状态",
    "民族",
    "网格编码",
    "户编号",
    "住址",
    "备注",
    "关爱标签",
]
RELATIONS = ["户主", "配偶", "子女"]
TAGS = ["独居老人", "低保/低收入", "残疾人", "留守儿童", "80岁以上独居老人"]
# Region code outside any real prefecture, so generated numbers never meet a city's own.
REGION = "159900"


def setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log growing in memory


def prepare(rows: int) -> dict:
    """Migrate, make sure there is a city and an importing user; return the plan."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wangge.accounts.models import Role, User
    from wangge.accounts.services import role_assign
    from wangge.areas.models import Area, AreaKind

    if not Area.objects.filter(kind=AreaKind.GRID).exists():
        from wangge.testing import build_city

        print("no grids in the database: building a small city (2×2×2×4 grids)")
        build_city(districts=2, streets=2, communities=2, grids=4)
    streets = Area.objects.filter(kind=AreaKind.STREET)
    street = max(
        streets,
        key=lambda s: Area.objects.filter(kind=AreaKind.GRID, path__startswith=s.path).count(),
    )
    grid_codes = list(
        Area.objects.filter(kind=AreaKind.GRID, path__startswith=street.path)
        .order_by("path")
        .values_list("code", flat=True)
    )
    user, _ = User.objects.get_or_create(username="bench_importer")
    role_assign(actor=None, user=user, role=Role.STREET_STAFF, area=street)
    return {"street": street.name, "grids": grid_codes, "username": user.username}


def generate(path: Path, *, rows: int, grid_codes: list[str], run: str, seed: int) -> None:
    from openpyxl import Workbook

    from wangge.core.identity import id_check_char

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民导入")
    sheet.append(HEADER)
    start = date(1940, 1, 1)
    for n in range(rows):
        birth = start + timedelta(days=n // 500)
        seq = (n % 500) * 2 + rng.randint(0, 1)  # odd → male, even → female
        first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_check_char(first17)
        household = n // 3
        typed = (
            f"{birth:%Y-%m-%d}",
            f"{birth.year}/{birth.month}/{birth.day}",
            f"{birth:%Y%m%d}",
            f"{birth.year}年{birth.month}月{birth.day}日",
        )[n % 4]
        sheet.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "男" if seq % 2 else "女",
                typed,
                "居民身份证",
                number,
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                RELATIONS[n % 3],
                "常住" if n % 10 else "流动",
                "汉族" if n % 7 else "蒙古族",
                grid_codes[household % len(grid_codes)],
                f"BENCH{run}-{household:06d}",
                f"测试小区{household // 60 + 1}号楼{household % 60 + 101}室",
                "",
                rng.choice(TAGS) if n % 20 == 0 else "",
            ]
        )
    book.save(path)


def child(path: str, username: str, profile: bool = False) -> None:
    """Runs in its own process so that its peak RSS is the import's alone. With
    ``profile`` the import runs under cProfile and the top functions go to stderr."""
    setup_django()
    baseline_kib = peak_rss_kib()
    from django.core.files.uploadedfile import UploadedFile

    from wangge.accounts.models import User
    from wangge.people.importing import ImportKind, ImportMode, people_import

    user = User.objects.get(username=username)
    with open(path, "rb") as handle:
        upload = UploadedFile(handle, name="residents.xlsx", size=os.path.getsize(path))
        profiler = cProfile.Profile() if profile else None
        cpu_started = time.process_time()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = people_import(
            actor=user, kind=ImportKind.RESIDENTS, mode=ImportMode.ALL_OR_NOTHING, upload=upload
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_rss_kib": peak_rss_kib(),
                "baseline_rss_kib": baseline_kib,
                "rows": result.total_rows,
                "rejected": result.rejected_rows,
                "applied": result.applied,
                "created": result.created,
                "first_errors": [(e.row, e.column, e.reason) for e in result.errors[:5]],
            }
        )
    )


def cleanup(run: str) -> None:
    from wangge.people.models import Household, Resident

    residents = Resident.objects.filter(household__code__startswith=f"BENCH{run}-")
    Resident.care_tags.through.objects.filter(resident__in=residents).delete()
    residents.delete()
    Household.objects.filter(code__startswith=f"BENCH{run}-").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows")
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "USERNAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, profile=args.profile)
        return
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    plan = prepare(args.rows)
    run = f"{int(time.time()) % 1_000_000:06d}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "residents.xlsx"
        started = time.perf_counter()
        generate(path, rows=args.rows, grid_codes=plan["grids"], run=run, seed=args.seed)
        print(
            f"generated {args.rows:,} rows over {len(plan['grids'])} grids of {plan['street']} "
            f"in {time.perf_counter() - started:.1f} s, file {path.stat().st_size / 2**20:.1f} MiB"
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, __file__, "--child", str(path), plan["username"]]
            + (["--profile"] if args.profile else []),
            capture_output=True,
            text=True,
            check=False,
        )
        process_seconds = time.perf_counter() - started
    if args.profile:
        print(completed.stderr)
    if completed.returncode != 0:
        print(completed.stdout, completed.stderr, sep="\n")
        sys.exit(completed.returncode)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    peak = figures["peak_rss_kib"] / 1024
    base = figures["baseline_rss_kib"] / 1024
    print(
        f"import: {figures['rows']:,} rows, {figures['rejected']} rejected, "
        f"applied={figures['applied']}, created={figures['created']}"
    )
    if figures["first_errors"]:
        print(f"first errors: {figures['first_errors']}")
    print(
        f"import wall time (people_import call): {figures['seconds']:.1f} s (target ≤ 60 s); "
        f"{figures['rows'] / figures['seconds']:,.0f} rows/s; child process total "
        f"{process_seconds:.1f} s; the import's own CPU time {figures['cpu_seconds']:.1f} s "
        f"(on a busy machine the wall time waits for a core; load before: {load})"
    )
    print(
        f"peak RSS of the importing process (VmHWM): {peak:.0f} MiB "
        f"(target ≤ 300 MiB); of which Python+Django before the import: {base:.0f} MiB"
    )
    from wangge.people.models import Resident

    sample = Resident.objects.filter(household__code__startswith=f"BENCH{run}-").first()
    if sample is not None:
        assert sample.id_number_enc.startswith("v1:") and REGION not in sample.id_number_enc
    if not args.keep:
        started = time.perf_counter()
        cleanup(run)
        print(
            f"removed the imported rows in {time.perf_counter() - started:.1f} s (--keep keeps them)"
        )


if __name__ == "__main__":
    main()
