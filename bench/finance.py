"""Rural-finance benchmark: every rural household rated, three years of demand lists, loans
and monthly balances, a village's demand list, the banner's figures live and a loan import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finbench .venv/bin/python bench/finance.py --recreate
    DATABASE_URL=… .venv/bin/python bench/finance.py --reuse --history   # an existing full city

Steps: generate the city (the demo generator at ``--scale``) unless ``--reuse``; the
catalogue (institutions, 44 products, postings) when the city has none; then, in SQL (also
with ``--reuse --history``, replacing the finance history there), for every household of
the rural villages (the community nodes named …村 or …嘎查, as ``wangge.finance.demo``
picks them): consent and a rating for each of the last ``--years`` years; per year a need
from about a quarter of the households and a third of the villages' collectives (the
older ones all decided); a loan for every granted need and its month-end balances up to
today (at most ``12 × --years`` months); the credit villages and towns confirmed as the demo
confirms them. ``VACUUM (ANALYZE)``, then it prints:

- a village's demand list as its finance assistant opens it (the page's own query:
  ``selectors.demands_visible_to`` with the assistant's default "collected" filter, newest
  first, ``Paginator(…, 20)`` page 1 and the count), the assistant loaded fresh each time,
  over ``--samples`` villages — target p95 ≤ 50 ms;
- the banner-wide credit and loan figures for the year, live, as a banner finance officer:
  the indicator sources of ``wangge.finance.indicators`` for the year grouped by town
  (``indicators.queries.source_rows``, no rollup), the overview's balance and year-on-year
  change per town (``loans.balances_by_child``) and the credit page's village and town
  figures (``credit.village_figures`` / ``town_figures``) — first run, median and best of
  three for the largest banner — target ≤ 1 s;
- an import of ``--import-rows`` (default 100,000) loan rows (new contracts, 12 months
  each) through the shared import engine (``import_run``, kind ``finance_loans``) in a child
  process: wall time (target ≤ 30 s), CPU time and the child's peak RSS (target ≤ 300 MiB);
  the imported loans are deleted afterwards unless ``--keep``.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, city_ready, peak_rss_kib  # noqa: E402
from bench.common import p95 as percentile_95  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TARGET_LIST_MS = 50.0
TARGET_FIGURES_S = 1.0
TARGET_IMPORT_S = 30.0
TARGET_IMPORT_MIB = 300.0
TZ = "Asia/Shanghai"
TODAY = f"(now() AT TIME ZONE '{TZ}')::date"
HISTORY_TABLES = ("finance_loanbalance", "finance_adverserecord", "finance_loan", "finance_demand",
                  "finance_rating", "finance_consent", "finance_creditdesignation")


def setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def ensure_catalogue(seed: int) -> None:
    """Institutions, products, station services and postings as the demo city has them
    (a city generated before the finance module has none)."""
    from wangge.finance import demo
    from wangge.finance.credit import defaults_ensure
    from wangge.finance.models import Institution

    defaults_ensure()
    if Institution.objects.exists():
        return
    build = SimpleNamespace(seed=seed, stats=SimpleNamespace(figures={}))
    demo.city_populate(build)
    print(f"  catalogue: {build.stats.figures['finance_products']} products, postings in the villages", flush=True)


def _exec(cursor, sql: str, params) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def load_history(years: int) -> None:
    """The finance history in INSERT … SELECT (replaces what is there)."""
    from django.db import connection, transaction

    from wangge.areas.models import Area
    from wangge.finance.credit import model_in_force
    from wangge.finance.demo import _confirm, villages

    model = model_in_force()
    criteria = list(model.criteria.all())
    bands = sorted(model.bands.all(), key=lambda b: b.min_score, reverse=True)
    grade = "CASE " + " ".join(f"WHEN t.total >= {b.min_score} THEN '{b.grade}'" for b in bands) + " ELSE '' END"
    worthy = "CASE " + " ".join(f"WHEN t.total >= {b.min_score} THEN {str(b.creditworthy).lower()}"
                                for b in bands) + " ELSE false END"
    scores = "jsonb_build_object(" + ", ".join(f"'{c.pk}', t.total" for c in criteria) + ")"
    village_len = Area.steplen * 4
    village_ids = list(villages().values_list("pk", flat=True))
    if not village_ids:
        sys.exit("the city has no village (community named …村 or …嘎查)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(HISTORY_TABLES)}")
        cursor.execute("CREATE TEMP TABLE bench_village ON COMMIT DROP AS "
                       "SELECT id, path FROM areas_area WHERE id = ANY(%s)", [village_ids])
        cursor.execute(f"""CREATE TEMP TABLE bench_household ON COMMIT DROP AS
                           SELECT h.id, h.area_path, v.id AS village_id, v.path AS village_path
                           FROM people_household AS h JOIN bench_village AS v
                             ON substr(h.area_path, 1, {village_len}) = v.path""")
        cursor.execute("ANALYZE bench_household")
        cursor.execute("SELECT count(*) FROM bench_household")
        households = cursor.fetchone()[0]
        consents = _exec(cursor, f"""INSERT INTO finance_consent (household_id, area_path, given_on, evidence)
            SELECT id, area_path, {TODAY} - 400 - (id %% 300)::int, '信用信息采集授权书' FROM bench_household""", [])
        # A village in five is a model village (scores about 20 points higher).
        ratings = _exec(cursor, f"""INSERT INTO finance_rating
              (household_id, village_id, area_path, year, model_id, scores, total, grade, creditworthy,
               evidence, "group", rated_on)
            SELECT t.id, t.village_id, t.area_path, t.year, %s, {scores}, t.total, {grade}, {worthy},
                   '村评议小组评议会议纪要', '村党支部书记、村委会主任、金融助理员、村民代表', t.rated_on
            FROM (SELECT h.id, h.village_id, h.area_path, y.year,
                         least(100, (CASE WHEN h.village_id %% 5 = 0 THEN 66 ELSE 45 END)
                                    + abs(hashtext(h.id::text || y.year::text)::bigint) %% 34)::numeric(5, 1) AS total,
                         make_date(y.year, 3, 15) AS rated_on
                  FROM bench_household AS h
                  CROSS JOIN (SELECT extract(year FROM {TODAY})::int - k AS year
                              FROM generate_series(0, %s - 1) AS k) AS y) AS t""", [model.pk, years])
        cursor.execute("""CREATE TEMP TABLE bench_product ON COMMIT DROP AS
            SELECT p.id, p.purpose, p.ceiling, p.term_months, p.applicant = 'collective' AS collective,
                   row_number() OVER (PARTITION BY p.applicant = 'collective' ORDER BY p.id) - 1 AS k,
                   count(*) OVER (PARTITION BY p.applicant = 'collective') AS n
            FROM finance_product AS p WHERE p.active""")
        # Per year a quarter of the households and a third of the collectives; the needs of
        # the last 60 days partly still collected, older ones matched, granted or declined.
        demands = _exec(cursor, """INSERT INTO finance_demand
              (village_id, household_id, area_path, purpose, amount, term_months, guarantee, description,
               source, status, product_id, decline_reason, created_at, updated_at)
            SELECT d.village_id, d.household_id, d.area_path, p.purpose,
                   least(p.ceiling, CASE WHEN d.household_id IS NULL THEN 100 ELSE 3 + d.h %% 18 END),
                   least(p.term_months, 36), (ARRAY['credit','joint','guarantor','mortgage','pledge'])[1 + d.h %% 5],
                   '购买基础母羊', (ARRAY['phone','visit','assistant'])[1 + d.h %% 3], s.status,
                   CASE WHEN s.status IN ('matched', 'granted') THEN p.id END,
                   CASE WHEN s.status = 'declined' THEN '收入不足以覆盖还款' ELSE '' END,
                   d.created_at, d.created_at
            FROM (SELECT h.village_id, h.id AS household_id, h.area_path,
                         abs(hashtext(h.id::text || 'd' || k::text)::bigint) AS h,
                         now() - make_interval(days => (k * 365 + abs(hashtext(h.id::text || 'c' || k::text)::bigint) %% 365)::int)
                           AS created_at
                  FROM bench_household AS h CROSS JOIN generate_series(0, %s - 1) AS k
                  WHERE abs(hashtext(h.id::text || 'q' || k::text)::bigint) %% 4 = 0
                  UNION ALL
                  SELECT v.id, NULL, v.path, abs(hashtext(v.id::text || 'd' || k::text)::bigint),
                         now() - make_interval(days => (k * 365 + abs(hashtext(v.id::text || 'c')::bigint) %% 365)::int)
                  FROM bench_village AS v CROSS JOIN generate_series(0, %s - 1) AS k
                  WHERE abs(hashtext(v.id::text || 'q' || k::text)::bigint) %% 3 = 0) AS d
            JOIN bench_product AS p ON p.collective = (d.household_id IS NULL) AND p.k = d.h %% p.n
            CROSS JOIN LATERAL (SELECT CASE
                WHEN d.h %% 100 < 15 AND d.created_at > now() - interval '60 days' THEN 'collected'
                WHEN d.h %% 100 < 30 THEN 'matched' WHEN d.h %% 100 < 45 THEN 'declined'
                ELSE 'granted' END AS status) AS s""", [years, years])
        loans = _exec(cursor, f"""INSERT INTO finance_loan
              (institution_id, contract, village_id, household_id, product_id, demand_id, amount, granted_on,
               matures_on, area_path)
            SELECT p.institution_id, 'BJ' || d.id, d.village_id, d.household_id, p.id, d.id, d.amount,
                   least({TODAY}, d.created_at::date + 7),
                   (least({TODAY}, d.created_at::date + 7) + make_interval(months => p.term_months))::date,
                   d.area_path
            FROM finance_demand AS d JOIN finance_product AS p ON p.id = d.product_id
            WHERE d.status = 'granted'""", [])
        # Month-end balances from the month of the grant to today or maturity, straight-line;
        # one loan in sixteen falls into arrears in its second half (a third of those bad).
        balances = _exec(cursor, f"""INSERT INTO finance_loanbalance
              (loan_id, period, balance, overdue_days, five_class, area_path)
            SELECT l.id, b.period,
                   round(l.amount * (t.term - b.k) / t.term, 2),
                   CASE WHEN late THEN 31 + l.id %% 150 ELSE 0 END,
                   CASE WHEN late AND l.id %% 3 = 0 THEN 'substandard' WHEN late THEN 'attention'
                        ELSE 'normal' END,
                   l.area_path
            FROM finance_loan AS l
            CROSS JOIN LATERAL (SELECT greatest(1, (l.matures_on - l.granted_on) / 30) AS term) AS t
            CROSS JOIN LATERAL (SELECT k, (date_trunc('month', l.granted_on) + make_interval(months => k))::date
                                       AS period
                                FROM generate_series(0, t.term - 1) AS k) AS b
            CROSS JOIN LATERAL (SELECT l.id %% 16 = 0 AND b.k >= t.term / 2 AS late) AS a
            WHERE b.period <= {TODAY}
              AND b.period > (date_trunc('month', {TODAY}) - make_interval(months => 12 * %s))::date""",
                           [years])
        for table in ("finance_consent", "finance_rating", "finance_demand", "finance_loan", "finance_loanbalance"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")
    print(f"  {len(village_ids)} villages, {households:,} rural households: {consents:,} consents, "
          f"{ratings:,} ratings, {demands:,} needs, {loans:,} loans, {balances:,} month-end balances "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    from wangge.core import clock
    from wangge.finance.models import CreditDesignation

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE finance_rating, finance_consent, finance_loanbalance, finance_loan, finance_demand")
    _confirm(clock.today().year)
    print(f"  confirmed: {CreditDesignation.objects.filter(level='village').count()} credit villages, "
          f"{CreditDesignation.objects.filter(level='town').count()} credit towns", flush=True)


def _user(username: str, role, area_id: int):
    from wangge.accounts.models import RoleAssignment, User

    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        RoleAssignment.objects.create(user=user, role=role, area_id=area_id)
    return user.pk


def time_demand_lists(samples: int, seed: int) -> list[float]:
    from django.core.paginator import Paginator

    from wangge.accounts.models import Role, User
    from wangge.finance import permissions as perms
    from wangge.finance import selectors
    from wangge.finance.demo import villages
    from wangge.finance.models import DemandStatus

    rng = random.Random(seed)
    village_ids = list(villages().values_list("pk", flat=True))
    chosen = [rng.choice(village_ids) for _ in range(samples)] if samples > len(village_ids) \
        else rng.sample(village_ids, samples)
    ids = [_user(f"bench_fin_assistant_{village_id}", Role.FINANCE_ASSISTANT, village_id) for village_id in chosen]
    rows = []

    def once(user_id) -> float:
        started = time.perf_counter()
        user = User.objects.get(pk=user_id)
        listing = selectors.demands_visible_to(user).select_related("village", "household", "product")
        if perms.has_assistant_role(user):
            listing = listing.filter(status=DemandStatus.COLLECTED)
        page = Paginator(listing.order_by("-created_at", "-pk"), 20).page(1)
        for demand in page.object_list:
            _ = (demand.village.name, demand.household.code if demand.household else "",
                 demand.product.name if demand.product else "", demand.get_status_display())
        rows.append(page.paginator.count)
        return (time.perf_counter() - started) * 1000

    for user_id in ids[:5]:
        once(user_id)
    rows.clear()
    times = [once(user_id) for user_id in ids]
    print(f"  collected needs per village: median {statistics.median(rows):.0f}, max {max(rows)}", flush=True)
    return times


def _largest_banner():
    from wangge.areas.models import Area, AreaKind
    from wangge.finance.demo import villages

    paths = villages().values_list("path", flat=True)
    counts: dict[str, int] = {}
    for path in paths:
        counts[path[: Area.steplen * 2]] = counts.get(path[: Area.steplen * 2], 0) + 1
    best = max(counts, key=counts.get)
    return Area.objects.get(path=best, kind=AreaKind.DISTRICT)


def banner_figures(user, banner, year: int) -> dict:
    """The banner's credit and loan figures for ``year``, live; time per part (ms)."""
    from django.db.models.functions import Substr

    from wangge.areas.models import Area, AreaKind
    from wangge.finance import loans as loan_figures
    from wangge.finance import selectors
    from wangge.finance.credit import town_figures, village_figures, year_end_period
    from wangge.indicators.definitions import SOURCES
    from wangge.indicators.periods import Period
    from wangge.indicators.queries import source_rows

    parts: dict[str, float] = {}
    out: dict[str, object] = {}

    def part(name, compute):
        started = time.perf_counter()
        out[name] = compute()
        parts[name] = (time.perf_counter() - started) * 1000

    child_len = len(banner.path) + Area.steplen
    months = (Period(year, 1), Period(year, 12))
    for key in ("finance_demands", "finance_loans", "finance_ratings", "finance_designations"):
        part(key, lambda key=key: source_rows(SOURCES[key], prefix=banner.path, periods=months,
                                              group=Substr(SOURCES[key].path_field, 1, child_len)))
    balances = selectors.balances_visible_to(user)
    period = year_end_period(year)
    part("balance_yoy", lambda: loan_figures.balances_by_child(base=balances, node=banner, period=period))
    part("granted", lambda: loan_figures.granted_in_year(base_loans=selectors.loans_visible_to(user),
                                                         node=banner, year=year))
    part("credit_villages", lambda: village_figures(selectors.villages_visible_to(user)
                                                    .filter(path__startswith=banner.path)[:2000], year))
    part("credit_towns", lambda: town_figures(selectors.areas_visible_to(user, kind=AreaKind.STREET)
                                              .filter(path__startswith=banner.path), year))
    return {"parts": parts, "total": out["balance_yoy"][0], "villages": len(out["credit_villages"]),
            "proposed": sum(1 for f in out["credit_villages"] if f.meets)}


def time_banner(year: int) -> tuple[list[float], dict]:
    from wangge.accounts.models import Role, User

    banner = _largest_banner()
    user_id = _user(f"bench_fin_officer_{banner.pk}", Role.FINANCE_OFFICER, banner.pk)
    runs, last = [], {}
    for _ in range(3):
        started = time.perf_counter()
        last = banner_figures(User.objects.get(pk=user_id), banner, year)
        runs.append(time.perf_counter() - started)
    total = last["total"]
    print(f"  {banner.name}, {year}: balance {total.balance:,.2f} 万元 ({total.loans:,} loans), "
          f"a year before {total.last_year:,.2f} 万元 ({total.change_pct}%); {last['villages']} villages, "
          f"{last['proposed']} meet the credit-village rules", flush=True)
    print("    last run per part: " + ", ".join(f"{k} {v:.0f}" for k, v in last["parts"].items()) + " (ms)",
          flush=True)
    return runs, {"banner": banner.pk}


def write_import(path: Path, rows: int, seed: int, banner_id: int) -> None:
    from openpyxl import Workbook

    from wangge.areas.models import Area
    from wangge.finance.demo import villages
    from wangge.finance.models import Product
    from wangge.people.models import Household

    rng = random.Random(seed)
    banner = Area.objects.get(pk=banner_id)
    village_rows = list(villages().filter(path__startswith=banner.path).values_list("code", "path"))
    households = []
    for code, village_path in village_rows:
        households += [(code, h) for h in Household.objects.filter(area_path__startswith=village_path)
                       .values_list("code", flat=True)[:300]]
    products = list(Product.objects.filter(institution__code="nsh").exclude(applicant="collective")
                    .values_list("name", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["机构代码", "合同编号", "村编码", "户编号", "产品名称", "放款金额（万元）", "放款日期", "到期日期",
                  "期间", "月末余额（万元）", "逾期天数", "五级分类"])
    run = int(time.time()) % 10**6  # a new run never repeats an earlier import's contracts
    loans = (rows + 11) // 12
    written = 0
    for n in range(loans):
        village, household = rng.choice(households)
        amount = rng.choice([3, 5, 8, 10, 15, 20])
        product = rng.choice(products) if products else ""
        for k in range(12):
            if written == rows:
                break
            late = n % 16 == 0 and k >= 6
            sheet.append(["nsh", f"IMP{run:06d}-{n:06d}", village, household, product, amount, "2025-01-10",
                          "2028-01-10", f"2025-{k + 1:02d}", round(amount * (36 - k) / 36, 2),
                          45 if late else 0, "关注" if late else "正常"])
            written += 1
    book.save(path)


def child(path: str, banner_id: int) -> None:
    setup_django()
    baseline = peak_rss_kib()
    from django.core.files.uploadedfile import UploadedFile

    from wangge.accounts.models import User
    from wangge.imports.engine import import_run

    user = User.objects.get(username=f"bench_fin_officer_{banner_id}")
    with open(path, "rb") as handle:
        upload = UploadedFile(handle, name="loans.xlsx", size=os.path.getsize(path))
        cpu = time.process_time()
        started = time.perf_counter()
        result = import_run(actor=user, kind="finance_loans", mode="all_or_nothing", upload=upload)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak_rss_kib(), "baseline": baseline,
                      "applied": result.applied, "created": result.created, "rejected": result.rejected_rows,
                      "errors": [(e.row, e.column, e.reason) for e in result.errors[:3]]}, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser, reuse_help="skip generation; time on the existing city")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--years", type=int, default=3, help="years of ratings, needs, loans and balances")
    parser.add_argument("--samples", type=int, default=200, help="villages whose demand list is timed")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--history", action="store_true",
                        help="with --reuse: (re)load the finance history on the existing city")
    parser.add_argument("--keep", action="store_true", help="keep the imported loans (deleted afterwards)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--banner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.banner)
        return
    city_ready(args)
    from django.db import connection

    from wangge.core import clock

    if not args.reuse or args.history:
        ensure_catalogue(args.seed)
        load_history(args.years)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    print(f"load average: {os.getloadavg()}", flush=True)
    times = time_demand_lists(args.samples, args.seed)
    p95 = percentile_95(times)
    print(f"village demand list (assistant, page 1 + count): p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(times):.1f} ms over {len(times)} villages (target p95 ≤ {TARGET_LIST_MS:.0f} ms)",
          flush=True)
    runs, info = time_banner(clock.today().year)
    print(f"banner credit and loan figures for the year, live: first {runs[0]:.2f} s, median "
          f"{statistics.median(runs):.2f} s, best {min(runs):.2f} s (target ≤ {TARGET_FIGURES_S:.0f} s)", flush=True)
    if args.import_rows:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "loans.xlsx"
            write_import(path, args.import_rows, args.seed, info["banner"])
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run([sys.executable, __file__, "--child", str(path), "--banner", str(info["banner"])],
                                  capture_output=True, text=True, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n")
            sys.exit(done.returncode)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if not args.keep:
            with connection.cursor() as cursor:
                imported = "SELECT id FROM finance_loan WHERE contract LIKE 'IMP%%'"
                cursor.execute(f"DELETE FROM finance_loanbalance WHERE loan_id IN ({imported})", [])
                cursor.execute(f"DELETE FROM finance_adverserecord WHERE loan_id IN ({imported})", [])
                cursor.execute("DELETE FROM finance_loan WHERE contract LIKE 'IMP%%'", [])
        child_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"loan import, {args.import_rows:,} rows: {figures['seconds']:.1f} s (target ≤ {TARGET_IMPORT_S:.0f} s), "
              f"CPU {figures['cpu']:.1f} s in the import ({child_cpu:.1f} s for the whole child), peak RSS "
              f"{figures['peak'] / 1024:.0f} MiB (target ≤ {TARGET_IMPORT_MIB:.0f} MiB; "
              f"{figures['baseline'] / 1024:.0f} MiB after setup); applied {figures['applied']}, "
              f"created {figures['created']}, rejected {figures['rejected']} {figures['errors']}", flush=True)
    print(f"load average: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
