"""Faults under the morning peak: one at a time, each followed by reconciliation (issue 17).

    .venv/bin/python bench/faults.py --root /work/var/loadtest --scale 0.01 --reuse --minutes 3

For each fault the load runs at ``--multiplier`` × the estimated peak (bench/load.py's
plan) for ``--minutes``; ``--fault-at`` seconds in, the fault is injected through
``bench/stack.py`` and recovered from:

- ``restart_pg``: ``pg_ctl restart -m fast`` (every open session is cut);
- ``redis_down``: Redis stopped for ``--redis-seconds`` (60), then started (empty: no
  persistence, like a Redis that lost its memory);
- ``kill_workers``: SIGKILL one gunicorn worker and the Celery worker (with its pool);
  the Celery worker is started again 20 s later, as its supervisor would;
- ``upload_full``: the upload directory (a ``--media-mb`` tmpfs mounted for the run, when
  running as root) filled to its last few KB for 60 s, then freed;
- ``slow_lock``: another session holds ``SELECT … FOR UPDATE`` on the cases users are acting
  on (the open cases of the work boxes) inside ``pg_sleep(--lock-seconds)`` (45).

After each run: the per-endpoint table and the errors users saw (bench/load.py), the
longest answer (no hang past the client's 10 s timeout and gunicorn's 30 s), the
reconciliation of the run's writes, and the queued Celery work: the notification scanner's
cursor must reach the last timeline event within ``--celery-wait`` seconds of the run's end
(it ran after recovery) and no notice may exist twice.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import run_step  # noqa: E402
from bench.stack import Stack, add_port_arguments, stack_from_args  # noqa: E402

FAULTS = ("restart_pg", "redis_down", "kill_workers", "upload_full", "slow_lock")
# The writes a fault is about, made the whole of their roles' work during its run (at a
# small scale the peak's mix would send a photo or a case action once in minutes).
FAULT_MIX = {
    "upload_full": {"grid_worker": {"finding": 3, "sync_today": 1}},
    "slow_lock": {
        "community_staff": {"accept": 1, "dispatch": 1},
        "department_handler": {"sign": 1, "resolve": 1},
    },
}


def fault_restart_pg(stack: Stack, args) -> dict:
    return {"restart_seconds": round(stack.restart_postgres(), 1)}


def fault_redis_down(stack: Stack, args) -> dict:
    stack.stop_redis()
    time.sleep(args.redis_seconds)
    stack.start_redis()
    return {"redis_down_seconds": args.redis_seconds}


def fault_kill_workers(stack: Stack, args) -> dict:
    web = stack.kill_gunicorn_worker()
    celery = stack.kill_celery_worker()
    time.sleep(20)
    stack.start_celery()
    return {"gunicorn_worker_killed": web, "celery_killed": celery}


def _media_mount(stack: Stack, megabytes: int) -> bool:
    """A small filesystem of its own for the uploads (root only): filling it touches nothing
    else on the machine."""
    if os.geteuid() != 0:
        return False
    stack.media.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mountpoint", "-q", str(stack.media)], check=False).returncode == 0
    if not mounted:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                        str(stack.media)], check=True)
    return True


def _media_unmount(stack: Stack) -> None:
    if subprocess.run(["mountpoint", "-q", str(stack.media)], check=False).returncode == 0:
        subprocess.run(["umount", "-l", str(stack.media)], check=False)


def fault_upload_full(stack: Stack, args) -> dict:
    filler = stack.media / "filler.bin"
    free = os.statvfs(stack.media).f_bavail * os.statvfs(stack.media).f_frsize
    with open(filler, "wb") as handle:
        remaining = max(0, free - 8 * 1024)
        block = b"\0" * (1024 * 1024)
        while remaining > 0:
            handle.write(block[: min(len(block), remaining)])
            remaining -= len(block)
    left = os.statvfs(stack.media).f_bavail * os.statvfs(stack.media).f_frsize
    time.sleep(60)
    filler.unlink()
    return {"filled_bytes": free - left, "left_bytes": left, "full_seconds": 60}


def fault_slow_lock(stack: Stack, args) -> dict:
    import psycopg

    sql = (
        "SELECT count(*) FROM (SELECT id FROM cases_case WHERE status IN "
        "('reported', 'accepted', 'dispatched', 'in_progress') FOR UPDATE) AS locked"
    )
    with psycopg.connect(f"{stack.admin_url}/wangge") as conn:
        locked = conn.execute(sql).fetchone()[0]
        conn.execute("SELECT pg_sleep(%s)", [args.lock_seconds])
        conn.commit()
    return {"cases_locked": locked, "lock_seconds": args.lock_seconds}


def celery_caught_up(stack: Stack, seconds: float) -> dict:
    """The notification scanner (beat, every 60 s) reached the last timeline event, and no
    notice exists twice."""
    last = stack.psql("SELECT coalesce(max(id), 0) FROM cases_caseevent")[0][0]
    deadline = time.monotonic() + seconds
    position = 0
    while time.monotonic() < deadline:
        rows = stack.psql("SELECT coalesce(max(position), 0) FROM notifications_scancursor "
                          "WHERE name LIKE 'events:%'")
        position = rows[0][0]
        if position >= last:
            break
        time.sleep(5)
    twice = stack.psql("SELECT count(*) FROM (SELECT key FROM notifications_notice GROUP BY key "
                       "HAVING count(*) > 1) AS d")[0][0]
    return {"last_event": last, "scanner_at": position, "caught_up": position >= last,
            "notices_twice": twice}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=Path("/work/var/loadtest"), type=Path)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--multiplier", type=float, default=1.0)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--fault-at", type=float, default=40)
    parser.add_argument("--redis-seconds", type=float, default=60)
    parser.add_argument("--lock-seconds", type=float, default=45)
    parser.add_argument("--media-mb", type=int, default=64)
    parser.add_argument("--celery-wait", type=float, default=150)
    parser.add_argument("--max-users", type=int, default=300)
    parser.add_argument("--spawn-rate", type=float, default=None,
                        help="users started per second (default: the model's sign-ins per second)")
    parser.add_argument("--timeout", type=float, default=10)
    add_port_arguments(parser)
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise SystemExit(f"unknown faults: {', '.join(sorted(unknown))}")

    from bench.loadcity import city_ensure

    stack = stack_from_args(args)
    stack.start_postgres()
    stack.start_redis()
    city_ensure(stack, scale=args.scale, reuse=args.reuse)
    mounted = "upload_full" in faults and _media_mount(stack, args.media_mb)
    if mounted:
        import atexit

        atexit.register(_media_unmount, stack)
    stack.start_app()
    accounts = json.loads((stack.root / "accounts.json").read_text())
    counts = {role: len(rows) for role, rows in accounts["roles"].items()}
    counts["leader"] = counts.get("district_officer", 0) + counts.get("city_officer", 0)
    run_dir = stack.root / "faults" / time.strftime("%Y%m%d-%H%M%S")
    results = []
    for name in faults:
        if name == "upload_full" and not mounted:
            print("\n=== upload_full: skipped (mounting a small upload filesystem needs root)")
            continue
        function = globals()[f"fault_{name}"]
        print(f"\n=== fault {name} at {args.fault_at:g} s into a {args.minutes:g}-minute run ===",
              flush=True)
        result = run_step(args, stack, args.multiplier, counts, run_dir, name=name,
                          inject=lambda f=function: f(stack, args), inject_at=args.fault_at,
                          mix=FAULT_MIX.get(name), reset_stats=False)
        result["name"] = name
        waited, healthy = 0, stack.healthy()
        while not healthy and waited < 90:  # e.g. the Celery worker reconnecting
            time.sleep(5)
            waited += 5
            healthy = stack.healthy()
        result["healthy_after"] = healthy  # what the probes found (not one probe more)
        result["healthy_after_seconds"] = waited
        result["celery"] = celery_caught_up(stack, args.celery_wait)
        print(f"  fault: {result['fault']}; /healthz after the run: "
              f"{'ok' if result['healthy_after'] else stack.healthz()} (waited {waited} s); "
              f"longest answer "
              f"{result['longest_ms'] / 1000:.1f} s; Celery: {result['celery']}", flush=True)
        (run_dir / name / "fault.json").write_text(json.dumps(result, indent=1, default=str))
        results.append(result)
    print("\n=== faults summary ===")
    for r in results:
        c = r["celery"]
        print(f"  {r['name']:<13} 5xx {r['server_errors']:>3} (worded 503/507 {r['worded']:>3})  "
              f"timeouts {r['timeouts']:>3}  "
              f"longest {r['longest_ms'] / 1000:5.1f} s  reconciled "
              f"{'yes' if r['reconciled'] else 'NO'}  celery caught up "
              f"{'yes' if c['caught_up'] else 'NO'}, notices twice {c['notices_twice']}  "
              f"healthy after {'yes' if r['healthy_after'] else 'NO'}")
    print(f"  run directory: {run_dir}")
    stack.stop()
    if mounted:
        _media_unmount(stack)


if __name__ == "__main__":
    threading.current_thread().name = "faults"
    main()
