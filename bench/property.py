"""Red property and consultation benchmark: the estate list and the month's figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/propbench .venv/bin/python bench/property.py --recreate

Steps: generate the city (``city_generate`` at ``--scale``: estates with their property
profile, committees, a year of fees, meetings and resolutions from the apps' demo parts),
then load in SQL three years of monthly fee records for every estate served by a company
and a monthly 民情恳谈会 per community for three years; ``VACUUM (ANALYZE)``. Then, through
the selectors and the indicator engine the pages use:

- the estate list (``estates_visible_to`` with a random filter — mode, committee or a
  name fragment — first page of 20 and its count) as community and street staff:
  p50/p95/max over ``--samples`` requests — target p95 ≤ 50 ms;
- the city's property and consultation figures for the last full month
  (``area_figures`` as a city officer, live, no cache): first run and best of three —
  target ≤ 1 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, city_ready  # noqa: E402
from bench.common import p95 as percentile_95  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TARGET_LIST_MS = 50.0
TARGET_FIGURES_S = 1.0
CODES = [
    "property_coverage", "owners_committee_rate", "fee_amount_rate", "fee_household_rate",
    "opinion_reply_rate", "property_satisfaction", "talk_meeting_rate", "meetings_held",
    "resolution_on_time_rate", "proposals_raised", "proposal_agenda_rate",
]


def _load_history() -> None:
    from django.db import connection, transaction

    from wangge.consultation.models import Meeting
    from wangge.property.models import EstateProfile, FeeRecord

    today = "(now() AT TIME ZONE 'Asia/Shanghai')::date"
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"DELETE FROM {FeeRecord._meta.db_table}")
        cursor.execute(
            f"""INSERT INTO {FeeRecord._meta.db_table}
                    (estate_id, area_path, period, amount_due, amount_paid, households_due,
                     households_paid)
                SELECT p.estate_id, p.area_path, m.period,
                       p.households * 90, round((p.households * 90 * (0.6 + random() * 0.38))::numeric, 2),
                       p.households, (p.households * (0.6 + random() * 0.38))::int
                FROM {EstateProfile._meta.db_table} AS p,
                     LATERAL (SELECT (date_trunc('month', {today}) - make_interval(months => k))::date
                              AS period FROM generate_series(0, 35) AS k) AS m
                WHERE p.mode = 'company'"""
        )
        print(f"  fee records: {cursor.rowcount:,} in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        cursor.execute(
            f"""INSERT INTO {Meeting._meta.db_table}
                    (community_id, area_path, kind, title, date, place, expected, held, minutes,
                     checkin_token, version, expected_by_role)
                SELECT a.id, a.path, 'talk', '民情恳谈会',
                       (date_trunc('month', {today}) - make_interval(months => k))::date + 14,
                       '党群服务中心', 25, random() < 0.9, '纪要', md5(random()::text || a.id || k), 0,
                       '{{}}'::jsonb
                FROM areas_area AS a, generate_series(4, 39) AS k
                WHERE a.kind = 'community'"""
        )
        print(f"  meetings: {cursor.rowcount:,} in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=200, help="estate lists timed")
    parser.add_argument("--history", action="store_true",
                        help="with --reuse: (re)load the fees and meetings on the existing city")
    add_database_arguments(parser, reuse_help="skip generation; time the queries on existing data")
    args = parser.parse_args()
    city_ready(args)
    from django.db import connection

    from wangge.accounts.models import Role, RoleAssignment
    from wangge.areas.models import Area, AreaKind, Estate
    from wangge.core import clock
    from wangge.indicators.definitions import evaluation_started
    from wangge.indicators.periods import Period
    from wangge.indicators.selectors import area_figures
    from wangge.property.models import FeeRecord
    from wangge.property.selectors import estates_visible_to

    if not args.reuse or args.history:
        print("loading the history …", flush=True)
        _load_history()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    print(f"rows: {Estate.objects.count():,} estates, {FeeRecord.objects.count():,} fee records")

    rng = random.Random(args.seed)
    staff = list(
        RoleAssignment.objects.filter(role__in=[Role.COMMUNITY_STAFF, Role.STREET_STAFF])
        .select_related("user").values_list("user_id", flat=True).distinct()
    )
    from wangge.accounts.models import User

    times = []
    for _ in range(args.samples):
        user = User.objects.get(pk=rng.choice(staff))  # fresh: no cached scope
        filters = rng.choice([{}, {"mode": "company"}, {"mode": "none"}, {"committee": "1"},
                              {"committee": "0"}, {"q": "园"}])
        started = time.perf_counter()
        rows = estates_visible_to(user, **filters)
        list(rows[:20])
        rows.count()
        times.append((time.perf_counter() - started) * 1000)
    p95 = percentile_95(times)
    print(f"estate list (filters, first page + count), {len(times)} requests: "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
          f"(target p95 ≤ {TARGET_LIST_MS:.0f} ms) {'OK' if p95 <= TARGET_LIST_MS else 'SLOW'}")

    city = Area.objects.get(kind=AreaKind.CITY)
    officer = RoleAssignment.objects.filter(role=Role.CITY_OFFICER).first()
    if officer is None:
        sys.exit("no city officer in the demo city")
    today = clock.today()
    last = today.replace(day=1) - timedelta(days=1)
    period = Period(last.year, last.month)
    runs = []
    for _ in range(3):
        evaluation_started()
        user = User.objects.get(pk=officer.user_id)
        started = time.perf_counter()
        figures = area_figures(user=user, area=city, period=period, codes=CODES)
        runs.append(time.perf_counter() - started)
    print(f"city figures for {period}: first {runs[0]:.2f} s, best {min(runs):.2f} s "
          f"(target ≤ {TARGET_FIGURES_S:.0f} s) {'OK' if runs[0] <= TARGET_FIGURES_S else 'SLOW'}")
    print("  " + ", ".join(f"{code} {value}" for code, value in figures.total.items()))


if __name__ == "__main__":
    main()
