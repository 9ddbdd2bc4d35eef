"""Party benchmark: the member ledger, three years of 三会一课 and a member import, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7bench .venv/bin/python bench/party.py --recreate

Steps: generate the city (the demo generator at ``--scale``, which already makes ~6 % of
adults members), top the ledger up in SQL to ``--members`` (default 150,000) spread over the
grid branches, and load ``--years`` (default 3) of meetings in SQL: every branch each month a
theme day (and a committee meeting where it has a committee), each quarter a members' meeting
and a lecture, ~10 % of them skipped. ``VACUUM (ANALYZE)``, then it prints:

- one branch secretary's member list, page 1 (``selectors.member_list`` → ``Paginator(…, 20)``,
  rows and count, masked phone read for each row), the secretary loaded fresh each time,
  over ``--samples`` branches — target p95 ≤ 50 ms;
- the city-wide 三会一课 compliance for the last full quarter as the organisation department
  (``rules.compliance``: per organisation, street and city) — first run, median and best of
  three — target ≤ 2 s live;
- an import of ``--import-rows`` (default 50,000) members through the shared import engine
  (``import_run``, all-or-nothing, with encryption and duplicate checks) in a child process:
  wall time (target ≤ 30 s) and the child's peak RSS (target ≤ 300 MiB).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, city_ready, peak_rss_kib  # noqa: E402
from bench.common import p95 as percentile_95  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TARGET_LIST_MS = 50.0
TARGET_COMPLIANCE_S = 2.0
TARGET_IMPORT_S = 30.0
TARGET_IMPORT_MIB = 300.0
TZ = "Asia/Shanghai"


def setup_django() -> None:
    import django

    django.setup()


def top_up_members(total: int) -> None:
    """Synthetic members (no resident link, no personal data) over the grid branches."""
    from django.db import connection, transaction

    from wangge.party.models import Member

    have = Member.objects.count()
    extra = max(0, total - have)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""WITH b AS (SELECT id, path, area_path, row_number() OVER (ORDER BY path) - 1 AS k,
                                  count(*) OVER () AS n
                           FROM party_partyorg WHERE level = 'branch')
                INSERT INTO {Member._meta.db_table}
                  (name, gender, id_number_enc, id_number_index, phone_enc, admitted_on, stage, post,
                   status, dues_paid_until, org_id, org_path, activity_org_path, area_path, in_service,
                   work_unit, version, created_at, updated_at)
                SELECT '党员' || s, 'male', '', '', '', DATE '2005-07-01' + (s %% 6000),
                       CASE WHEN s %% 25 = 0 THEN 'probationary' ELSE 'full' END, '',
                       CASE WHEN s %% 40 = 0 THEN 'flowed_out' ELSE 'normal' END, '2026-06',
                       b.id, b.path, '', b.area_path, s %% 3 = 0, '', 0, now(), now()
                FROM generate_series(1, %s) AS s JOIN b ON b.k = s %% b.n""",
            [extra],
        )
    print(f"  members: {have:,} from the demo + {extra:,} synthetic", flush=True)


def load_meetings(years: int) -> int:
    from django.db import connection, transaction

    today = f"(now() AT TIME ZONE '{TZ}')::date"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO party_meeting
                  (org_id, org_path, area_path, kind, date, topic, expected, attended,
                   voting_expected, voting_attended, valid, minutes, photo_count, client_key, created_at)
                SELECT o.id, o.path, o.area_path, k.kind,
                       (date_trunc('month', {today}) - make_interval(months => m))::date + k.day,
                       k.kind, 20, 15, 19, 14, true, '', 0, '', now()
                FROM party_partyorg AS o
                CROSS JOIN generate_series(1, %s) AS m
                CROSS JOIN (VALUES ('theme_day', 9, 1), ('committee', 4, 1),
                                   ('assembly', 19, 3), ('lecture', 24, 3),
                                   ('life', 14, 12), ('appraisal', 21, 12)) AS k(kind, day, every)
                WHERE o.level = 'branch' AND m %% k.every = 0
                  AND (k.kind <> 'committee' OR o.committee_size >= 3)
                  AND hashtext(o.id::text || k.kind || m::text) %% 10 <> 0""",
            [12 * years],
        )
        return cursor.rowcount


def time_member_lists(samples: int, seed: int) -> list[float]:
    from django.core.paginator import Paginator

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.core import clock
    from wangge.party import selectors
    from wangge.party.models import OrgOfficer, PartyOrg

    rng = random.Random(seed)
    branches = list(PartyOrg.objects.filter(level="branch").values_list("id", "area_id"))
    chosen = rng.sample(branches, min(samples, len(branches)))
    ids = []
    for n, (org_id, area_id) in enumerate(chosen):
        user, created = User.objects.get_or_create(username=f"bench_sec_{n}_{org_id}", defaults={"is_staff": True})
        if created:
            RoleAssignment.objects.create(user=user, role=Role.PARTY_SECRETARY, area_id=area_id)
            OrgOfficer.objects.create(user=user, org_id=org_id, since=clock.today())
        ids.append(user.id)
    times = []

    def once(user_id):
        started = time.perf_counter()
        user = User.objects.get(pk=user_id)
        page = Paginator(selectors.member_list(user=user), 20).page(1)
        for member in page.object_list:
            _ = (member.name, member.phone_masked, member.org.name)
        _ = page.paginator.count
        return (time.perf_counter() - started) * 1000

    for user_id in ids[:5]:
        once(user_id)
    for user_id in ids:
        times.append(once(user_id))
    return times


def time_compliance(period: str = "quarter") -> list[float]:
    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.areas.models import Area
    from wangge.core import clock
    from wangge.party import rules, selectors

    city = Area.objects.get(depth=1)
    user, _ = User.objects.get_or_create(username="bench_orgdept")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_DEPT, area=city)
    start, _end = rules.period_bounds(clock.today(), period)
    start, end = rules.period_bounds(start - timedelta(days=1), period)
    times = []
    for _ in range(3):
        fresh = User.objects.get(pk=user.pk)
        started = time.perf_counter()
        per_org, streets, total = rules.compliance(
            selectors.orgs_visible_to(fresh), selectors.meetings_visible_to(fresh), start, end, period)
        times.append(time.perf_counter() - started)
    print(f"  {period} {start}–{end}: {total.orgs:,} organisations, {total.compliant:,} compliant "
          f"({total.rate}%), {len(streets)} streets", flush=True)
    return times


def write_import(path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook

    from wangge.party.models import PartyOrg

    rng = random.Random(seed)
    codes = list(PartyOrg.objects.filter(level="branch").values_list("code", flat=True)[:500])
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["组织关系所在党组织编码", "姓名", "身份证号码", "性别", "入党日期", "党员类别", "联系电话", "党费缴至（年-月）"])
    run = int(time.time()) % 10**5  # a new run never repeats an earlier import's ID numbers
    for n in range(rows):
        sheet.append([rng.choice(codes), f"导入党员{n}", f"9{run:05d}{n:011d}X"[:18], "男",
                      "2012-07-01", "正式党员", f"139{n:08d}", "2026-06"])
    book.save(path)


def child(path: str) -> None:
    setup_django()
    baseline = peak_rss_kib()
    from django.core.files.uploadedfile import UploadedFile

    from wangge.accounts.models import User
    from wangge.imports.engine import import_run

    user = User.objects.get(username="bench_orgdept")
    with open(path, "rb") as handle:
        upload = UploadedFile(handle, name="members.xlsx", size=os.path.getsize(path))
        started = time.perf_counter()
        result = import_run(actor=user, kind="party_members", mode="all_or_nothing", upload=upload)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak": peak_rss_kib(),
                      "baseline": baseline, "applied": result.applied, "created": result.created,
                      "rejected": result.rejected_rows,
                      "errors": [(e.row, e.column, e.reason) for e in result.errors[:3]]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser, reuse_help="skip generation; time on the existing city")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--members", type=int, default=150_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--history", action="store_true",
                        help="with --reuse: top the ledger up and load the meetings on the existing city")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    city_ready(args)
    from django.db import connection

    if not args.reuse or args.history:
        top_up_members(args.members)
        started = time.perf_counter()
        n = load_meetings(args.years)
        print(f"  meetings: {n:,} over {args.years} years ({time.perf_counter() - started:.0f} s)", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    print(f"load average: {os.getloadavg()}", flush=True)
    times = time_member_lists(args.samples, args.seed)
    p95 = percentile_95(times)
    print(f"branch member list, page 1: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(times):.1f} ms over {len(times)} secretaries (target p95 ≤ {TARGET_LIST_MS:.0f} ms)")
    for period in ("quarter", "year"):
        runs = time_compliance(period)
        print(f"city 三会一课 compliance, last {period}: first {runs[0]:.2f} s, median {statistics.median(runs):.2f} s, "
              f"best {min(runs):.2f} s (target ≤ {TARGET_COMPLIANCE_S:.0f} s)")
    if args.import_rows:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "members.xlsx"
            write_import(path, args.import_rows, args.seed)
            done = subprocess.run([sys.executable, __file__, "--child", str(path)],
                                  capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n")
            sys.exit(done.returncode)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"member import, {args.import_rows:,} rows: {figures['seconds']:.1f} s "
              f"(target ≤ {TARGET_IMPORT_S:.0f} s), peak RSS {figures['peak'] / 1024:.0f} MiB "
              f"(target ≤ {TARGET_IMPORT_MIB:.0f} MiB; {figures['baseline'] / 1024:.0f} MiB after setup); "
              f"applied {figures['applied']}, created {figures['created']}, rejected {figures['rejected']} "
              f"{figures['errors']}")


if __name__ == "__main__":
    main()
