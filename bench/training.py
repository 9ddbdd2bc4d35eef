"""Benchmark: cadre training at full size — 30,000 cadres, two years of classes and
online records, the ledger queries and a 200,000-row online-learning import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trbench .venv/bin/python bench/training.py --recreate

Migrates the database in DATABASE_URL, builds a small area tree when it has none, one
member unit per street and per district department, ``--cadres`` cadres and, with the
demo's own writer (``wangge.training.demo.history_write``), two years of classes,
enrolments, check-ins, leave, ratings and online records. Then it prints:

- one cadre's ledger (``cadre_ledger``, three years, as the cadre page shows it) for
  ``--samples`` random cadres: p95 (target ≤ 50 ms);
- the annual ledger of every cadre (``annual_ledger``, as the ledger page and the export
  compute it): wall time (target ≤ 2 s);
- an import of ``--import-rows`` online-learning rows through the shared import engine
  (``import_run``, kind ``training_online``) in a child process: wall time (target
  ≤ 30 s) and the child's peak RSS (target ≤ 300 MiB).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.common import peak_rss_kib  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

HEADER = ["学员编号", "姓名", "课程名称", "学习日期", "学习时长（分钟）", "记录号"]


def setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def prepare(cadres: int, seed: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wangge.areas.models import Area, AreaKind
    from wangge.core import clock
    from wangge.demo.names import person_name
    from wangge.training.demo import history_write
    from wangge.training.models import Cadre, LevelGroup, TrainingUnit

    if Cadre.objects.exists():
        print(f"reusing {Cadre.objects.count():,} cadres")
        return
    if not Area.objects.filter(kind=AreaKind.GRID).exists():
        from wangge.testing import build_city

        print("no grids in the database: building a small city (4×5×2×2 grids)")
        build_city(districts=4, streets=5, communities=2, grids=2)
    rng = random.Random(seed)
    streets = list(Area.objects.filter(kind=AreaKind.STREET).order_by("path"))
    units = TrainingUnit.objects.bulk_create(
        [TrainingUnit(name=f"{s.name}办事处", area=s, area_path=s.path) for s in streets]
    )
    started = time.perf_counter()
    rows = [
        Cadre(code=f"GB{n + 1:06d}", name=person_name(rng, rng.random() < 0.5), unit=units[n % len(units)],
              area_path=units[n % len(units)].area_path,
              group=LevelGroup.COUNTY if n % 10 == 0 else LevelGroup.TOWNSHIP, is_party_member=n % 7 != 0)
        for n in range(cadres)
    ]
    Cadre.objects.bulk_create(rows, batch_size=5000)
    figures = history_write(rng=rng, today=clock.today())
    print(f"built {cadres:,} cadres in {len(units)} units and two years of training "
          f"({figures}) in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def time_ledgers(samples: int, seed: int) -> None:
    from common import p95

    from wangge.core import clock
    from wangge.training.ledger import annual_ledger, cadre_ledger
    from wangge.training.models import Cadre

    this = clock.today().year
    ids = list(Cadre.objects.values_list("pk", flat=True))
    rng = random.Random(seed)
    times = []
    for k in range(samples + 5):
        cadre = Cadre.objects.get(pk=rng.choice(ids))
        started = time.perf_counter()
        cadre_ledger(cadre=cadre, years=[this - 2, this - 1, this])
        if k >= 5:
            times.append(time.perf_counter() - started)
    print(f"one cadre's ledger (3 years): p95 {p95(times) * 1000:.1f} ms over {samples} cadres (target ≤ 50 ms)")
    annual_ledger(cadres=Cadre.objects.all(), year=this)  # warm-up
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        rows = annual_ledger(cadres=Cadre.objects.all(), year=this)
        runs.append(time.perf_counter() - started)
    met = sum(1 for r in rows if r.year.met)
    print(f"annual ledger of all {len(rows):,} cadres: best {min(runs):.2f} s, worst {max(runs):.2f} s "
          f"(target ≤ 2 s); {met:,} meet their requirement")


def generate(path: Path, rows: int, seed: int) -> str:
    from openpyxl import Workbook

    from wangge.training.models import Cadre

    cadres = list(Cadre.objects.values_list("code", "name"))
    rng = random.Random(seed)
    run = f"{int(time.time()) % 1_000_000:06d}"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("网络学习")
    sheet.append(HEADER)
    first = date.today() - timedelta(days=300)
    for n in range(rows):
        code, name = cadres[n % len(cadres)]
        sheet.append([code, name, f"网络课程{rng.randint(1, 400)}", (first + timedelta(days=n % 300)).isoformat(),
                      rng.choice([10, 20, 35, 45, 60]), f"BENCH{run}-{n}"])
    book.save(path)
    return run


def child(path: str) -> None:
    setup_django()
    baseline_kib = peak_rss_kib()
    from django.core.files.uploadedfile import UploadedFile

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import role_assign
    from wangge.areas.models import Area, AreaKind
    from wangge.imports.engine import import_run

    user, created = User.objects.get_or_create(username="bench_training")
    if created:
        role_assign(actor=None, user=user, role=Role.ORG_DEPT, area=Area.objects.get(kind=AreaKind.CITY, depth=1))
    with open(path, "rb") as handle:
        upload = UploadedFile(handle, name="online.xlsx", size=os.path.getsize(path))
        started = time.perf_counter()
        result = import_run(actor=user, kind="training_online", mode="all_or_nothing", upload=upload)
        seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "peak_rss_kib": peak_rss_kib(),
        "baseline_rss_kib": baseline_kib, "rows": result.total_rows, "rejected": result.rejected_rows,
        "applied": result.applied, "first_errors": [(e.row, e.column, e.reason) for e in result.errors[:5]],
    }))


def time_import(rows: int, seed: int, keep: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "online.xlsx"
        started = time.perf_counter()
        run = generate(path, rows, seed)
        print(f"generated {rows:,} online rows in {time.perf_counter() - started:.1f} s, "
              f"file {path.stat().st_size / 2**20:.1f} MiB")
        completed = subprocess.run([sys.executable, __file__, "--child", str(path)],
                                   capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        print(completed.stdout, completed.stderr, sep="\n")
        sys.exit(completed.returncode)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"import: {figures['rows']:,} rows, {figures['rejected']} rejected, applied={figures['applied']}")
    if figures["first_errors"]:
        print(f"first errors: {figures['first_errors']}")
    print(f"import wall time: {figures['seconds']:.1f} s (target ≤ 30 s); "
          f"peak RSS {figures['peak_rss_kib'] / 1024:.0f} MiB (target ≤ 300 MiB; "
          f"Python+Django before the import {figures['baseline_rss_kib'] / 1024:.0f} MiB)")
    if not keep:
        from wangge.training.models import CreditRecord

        CreditRecord.objects.filter(external_id__startswith=f"BENCH{run}-").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=30_000)
    parser.add_argument("--import-rows", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows")
    parser.add_argument("--recreate", action="store_true",
                        help="DROP and CREATE the database named in DATABASE_URL first (destroys its data)")
    parser.add_argument("--child", nargs=1, metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0])
        return
    if args.recreate:
        from common import recreate_database

        recreate_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    prepare(args.cadres, args.seed)
    time_ledgers(args.samples, args.seed)
    time_import(args.import_rows, args.seed, args.keep)


if __name__ == "__main__":
    main()
