"""The load run's city: built into the stack's database, and the accounts the load signs in as.

``city_ensure(stack, scale=…)`` runs this module in a child process with production
settings, connected as the database owner (the bulk loaders drop and rebuild indexes):

1. the city at ``--scale`` (``city_generate``, as ``manage.py generate_city``);
2. a year of cases (``bench/cases.py``'s loader, 1 M × scale) and a year of visits and
   100 days of patrols with a grid assignment for every grid worker (``bench/visits.py``);
3. ``VACUUM (ANALYZE)``;
4. what production's periodic tasks would already have done (each only when it has not):
   the nightly dashboard rollups, and one deadline and event scan of the notice
   scanners;
5. the load accounts (``<root>/accounts.json``): generated users of each role get one
   password (hashed once with production's hasher and shared: hashing thousands with
   a slow hasher would take an hour) and, where the role needs it, a confirmed TOTP device whose
   key the load client holds, so it signs in through the real login and second-factor
   pages. Residents sign in as the generated ``jm…`` accounts (no second factor).

``--reuse`` skips 1–3 when the database holds a city (its migrations are brought up to date);
the accounts are always refreshed.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Accounts handed to the load client per role (it uses fewer when the plan needs fewer).
ROLE_CAP = {
    "grid_worker": 2000,
    "resident": 1000,
    "community_staff": 400,
    "street_staff": 100,
    "department_handler": 300,
    "district_officer": 30,
    "city_officer": 10,
}
PASSWORD = "Load-test-" + "2026"  # noqa: S105 (a throwaway cluster on loopback)


def city_ensure(stack, *, scale: float, reuse: bool) -> None:
    """Create the database (two roles, migrations) and build the city unless it exists."""
    created = stack.create_database()
    if not created:
        # A city built by older code gets the migrations merged since (a no-op otherwise).
        stack.manage("migrate", "--noinput", "-v0")
    if not created and not reuse:
        # An existing city is kept: rebuilding is --recreate's job (delete the root).
        stack.say("database exists: reusing its city (delete the root directory to rebuild)")
    args = [sys.executable, str(Path(__file__)), "--scale", str(scale),
            "--accounts", str(stack.root / "accounts.json")]
    if not created or reuse:
        args.append("--reuse")
    subprocess.run(args, cwd=ROOT, env=stack.env(owner=True), check=True)  # noqa: S603


def _build(scale: float, seed: int) -> None:
    from django.db import connection, transaction

    from bench.cases import load_cases
    from bench.visits import _load_history
    from wangge.core import clock
    from wangge.demo.city import city_generate

    started = time.perf_counter()
    stats = city_generate(scale=scale, seed=seed)
    print(f"  city: {stats.grids} grids, {stats.households:,} households, {stats.residents:,} "
          f"residents, {stats.users:,} users in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        counts = load_cases(total=max(1000, int(1_000_000 * scale)), seed=seed, now=clock.now())
    print(f"  cases: {counts['cases']:,} in {time.perf_counter() - started:.0f} s", flush=True)
    _load_history()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _accounts(path: Path, seed: int) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db.models import F
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wangge.accounts.models import RoleAssignment, User
    from wangge.accounts.otp import otp_required
    from wangge.areas.models import Area
    from wangge.cases.models import Case, Category
    from wangge.core import clock

    rng = random.Random(seed)
    encoded = make_password(PASSWORD)  # one hash, shared by every load account
    now = clock.now()
    out: dict = {"password": PASSWORD, "roles": {}}
    for role, cap in ROLE_CAP.items():
        rows = list(
            RoleAssignment.objects.filter(role=role, valid_until__isnull=True)
            .order_by("user_id")
            .values_list("user_id", "user__username", "area__code", "area__path")
        )
        rng.shuffle(rows)
        rows = rows[:cap]
        ids = [r[0] for r in rows]
        User.objects.filter(pk__in=ids).update(
            password=encoded, password_changed_at=now, password_temporary=False, is_active=True
        )
        needs_otp = bool(ids) and otp_required(User.objects.get(pk=ids[0]))
        keys: dict[int, str] = {}
        if needs_otp:
            TOTPDevice.objects.filter(user_id__in=ids).delete()
            devices = []
            for user_id in ids:
                keys[user_id] = secrets.token_hex(20)
                devices.append(TOTPDevice(user_id=user_id, name="load", confirmed=True,
                                          key=keys[user_id]))
            TOTPDevice.objects.bulk_create(devices, batch_size=1000)
        out["roles"][role] = [
            {"user_id": uid, "username": name, "area": code or "", "otp_key": keys.get(uid, "")}
            for uid, name, code, _path in rows
        ]
        print(f"  accounts {role}: {len(rows)}{' (with TOTP)' if needs_otp else ''}", flush=True)
    # Where residents report from: points inside staffed grids, and the leaf categories.
    grids = list(
        Area.objects.filter(kind="grid", min_lat__isnull=False)
        .order_by("?")[:300]
        .values_list("id", "min_lat", "min_lng", "max_lat", "max_lng")
    )
    out["points"] = [
        [gid, round(rng.uniform(a, c), 6), round(rng.uniform(b, d), 6)]
        for gid, a, b, c, d in grids
    ]
    out["categories"] = list(
        Category.objects.filter(active=True, numchild=0).values_list("id", flat=True)
    )
    # Residents follow cases by their token; they rate resolved ones within the follow-up.
    out["track_tokens"] = list(Case.objects.order_by("?").values_list("token", flat=True)[:500])
    window = now - timedelta(days=settings.WANGGE_CASE_FOLLOWUP_DAYS)
    out["rate_tokens"] = list(
        Case.objects.filter(status="resolved", resolved_at__gte=window)
        .exclude(evaluations__at__gte=F("resolved_at"))
        .values_list("token", flat=True)[:5000]
    )
    path.write_text(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--accounts", type=Path, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()
    from wangge.areas.models import Area

    if not args.reuse or not Area.objects.exists():
        print(f"building the city at scale {args.scale} …", flush=True)
        _build(args.scale, args.seed)
    _nightly_rollups()
    _scanners_caught_up()
    _accounts(args.accounts, args.seed)


def _nightly_rollups() -> None:
    """The dashboards' precomputed months, as production has them after its nightly task
    (``indicators.refresh_recent``): a city built a minute ago has none, and every
    dashboard would compute a year of trend live (seconds a request). The months missing
    or too old are rebuilt by production's own rule (``rollup_refresh_stale``, which the
    10-minute task runs), and the running month when it is not fresh."""
    from wangge.indicators.periods import Period
    from wangge.indicators.rollups import fresh_runs, rollup_refresh, rollup_refresh_stale

    started = time.perf_counter()
    runs = rollup_refresh_stale()
    if not fresh_runs([Period.current()]):
        runs.append(rollup_refresh(period=Period.current()))
    if runs:
        print(f"  indicator rollups: {len(runs)} months in {time.perf_counter() - started:.0f} s",
              flush=True)


def _scanners_caught_up() -> None:
    """The notice scanners where production has them, scanning every few minutes: a city
    built a minute ago has never been scanned, so the first deadline scan of a load run
    would write a week of deadline notices at once (52,000 at full size, a minute of
    Celery and PostgreSQL in the middle of the measured peak)."""
    from wangge.notifications.models import ScanCursor
    from wangge.notifications.services import notices_scan_deadlines, notices_scan_events

    started = time.perf_counter()
    fresh = not ScanCursor.objects.filter(name__startswith="deadlines:").exists()
    written = notices_scan_deadlines()
    while (found := notices_scan_events(limit=5000)):
        written += found
    if fresh or written > 1000:
        print(f"  notice scanners caught up: {written:,} notices in "
              f"{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
