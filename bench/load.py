"""The city's morning peak under load: 1×, 3×, 5× the estimated peak, then up to saturation.

    .venv/bin/python bench/load.py --root /work/var/loadtest --scale 0.01 --minutes 1

Starts the isolated stack (``bench/stack.py``: its own PostgreSQL, Redis, gunicorn with
production settings, Celery worker and beat, all on 127.0.0.1), builds the city at
``--scale`` unless ``--reuse``, then for each load multiplier runs locust headless
(``bench/locustfile.py``) for ``--minutes`` with the plan from ``bench/loadmodel.py`` and:

- samples the CPU of PostgreSQL, the gunicorn workers, Celery (worker and beat), Redis and
  the load client itself every 2 s (psutil);
- prints per endpoint: requests, failures, p50/p95/p99, throughput, and the server errors
  (5xx) and timeouts;
- reconciles the run's writes with the database (``bench/reconcile.py``).

After ``--multipliers`` (default 1,3,5) it keeps doubling (``--search``, up to
``--max-multiplier``) until a step saturates: p95 over 300 ms on an endpoint with at
least 20 requests, any server error or timeout, or throughput under 90 % of what the plan
offers. When every step saturated, ``--search`` halves below the smallest multiplier
(down to ``--min-multiplier``) until a step holds. Bounded: each step stops after ``--minutes`` and after ``--max-requests``; the
stack stops when the script ends, however it ends.
"""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadmodel import plan, signins_per_second  # noqa: E402
from bench.stack import Stack, add_port_arguments, stack_from_args  # noqa: E402

CLASSES = {
    "grid_worker": "GridWorker",
    "resident": "Resident",
    "community_staff": "CommunityStaff",
    "street_staff": "StreetStaff",
    "department_handler": "DepartmentHandler",
    "leader": "Leader",
}
TARGET_P95_MS = 300
GROUPS = ("postgres", "gunicorn", "celery", "beat", "redis", "client")
# Seconds from starting locust to its first user (the tasks of a measured run start this
# long after the ramp, bench/locustfile.py).
LOCUST_STARTUP = 3.0


class CpuSampler:
    """CPU % per process group (100 % = one core), from psutil's cumulative times."""

    def __init__(self, stack: Stack, client_pid: int):
        import psutil

        self.psutil = psutil
        self.stack, self.client_pid = stack, client_pid
        self.seen: dict[int, tuple[str, object, float]] = {}
        self.samples: dict[str, list[float]] = {g: [] for g in GROUPS}
        self.last = None

    def _pids(self) -> dict[str, list[int]]:
        pids = self.stack.process_pids()
        try:
            client = self.psutil.Process(self.client_pid)
            pids["client"] = [client.pid, *(c.pid for c in client.children(recursive=True))]
        except self.psutil.Error:
            pids["client"] = []
        return pids

    def sample(self) -> None:
        now = time.monotonic()
        totals = dict.fromkeys(GROUPS, 0.0)
        for group, pids in self._pids().items():
            for pid in pids:
                try:
                    process = self.seen[pid][1] if pid in self.seen else self.psutil.Process(pid)
                    times = process.cpu_times()
                    used = times.user + times.system
                except (self.psutil.Error, KeyError):
                    continue
                previous = self.seen.get(pid, (group, process, None))[2]
                self.seen[pid] = (group, process, used)
                if previous is not None and group in totals:
                    totals[group] += used - previous
        if self.last is not None:
            wall = now - self.last
            for group in GROUPS:
                self.samples[group].append(100 * totals[group] / wall)
        self.last = now

    def summary(self) -> dict[str, tuple[float, float]]:
        out = {}
        for group, values in self.samples.items():
            if values:
                out[group] = (sum(values) / len(values), max(values))
        return out


def _stats(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return []
    with open(path) as handle:
        return list(csv.DictReader(handle))


def _failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path) as handle:
        return list(csv.DictReader(handle))


def run_step(args, stack: Stack, multiplier: float, counts: dict, run_dir: Path, *,
             name: str = "", inject=None, inject_at: float = 0, mix: dict | None = None,
             reset_stats: bool = True) -> dict:
    """One locust run; ``inject`` (a fault, bench/faults.py) is called ``inject_at`` seconds
    in, on a thread of its own, while the sampling goes on; ``mix`` replaces roles' task
    weights (a fault's writes made frequent enough to be seen at a small scale).
    ``reset_stats=False`` counts from the first request (a fault run: what users saw while
    the users were still coming in counts too)."""
    step_dir = run_dir / (name or f"x{multiplier:g}")
    step_dir.mkdir(parents=True, exist_ok=True)
    roles = plan(scale=args.scale, multiplier=multiplier, accounts=counts, max_users=args.max_users)
    for role, weights in (mix or {}).items():  # a fault's own task mix (bench/faults.py)
        if role in roles:
            roles[role]["weights"] = weights
    offered = sum(r["requests_per_second"] for r in roles.values())
    spec = {
        "host": f"http://127.0.0.1:{stack.http_port}",
        "accounts": str(stack.root / "accounts.json"),
        "writes": str(step_dir / "writes"),
        "timeout": args.timeout,
        "roles": roles,
    }
    users = sum(r["users"] for r in roles.values())
    # Users start at the model's sign-in rate (a faster ramp is a sign-in storm the peak
    # hour does not have), unless --spawn-rate names one. With --reset-stats the ramp comes
    # before the measured minutes and only signs the users in: their tasks start together
    # when the ramp is over (locustfile ``tasks_start_at``), so the ramp's sign-ins are not
    # laid on top of the whole hour's rate and its backlog does not spill into the window.
    spawn_rate = args.spawn_rate or max(1.0, signins_per_second(scale=args.scale, multiplier=multiplier))
    ramp = users / spawn_rate if reset_stats else 0
    if reset_stats:
        spec["tasks_start_at"] = time.time() + LOCUST_STARTUP + ramp
    (step_dir / "plan.json").write_text(json.dumps(spec, indent=1))
    print(f"\n=== {multiplier:g}× the estimated peak: {users} users, offered ≈ {offered:.2f} req/s "
          f"for {args.minutes} min ===", flush=True)
    for role, row in roles.items():
        print(f"  {role:<19} {row['users']:>4} users  {row['requests_per_second']:7.2f} req/s",
              flush=True)
    print(f"  users start at {spawn_rate:.1f}/s: {ramp:.0f} s before the measured {args.minutes:g} min",
          flush=True)
    started = time.time()
    prefix = step_dir / "locust"
    command = [
        str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", f"{spawn_rate:.2f}",
        "--run-time", f"{int(args.minutes * 60 + ramp)}s", "--stop-timeout", "20",
        "--only-summary", "--csv", str(prefix), "--loglevel", "WARNING",
        # The first sign-in of each simulated user is yesterday's session, not the peak's:
        # the figures count from the moment every user is running.
        *(["--reset-stats"] if reset_stats else []),
        *[CLASSES[role] for role in roles],
    ]
    env = {**os.environ, "WANGGE_LOAD_PLAN": str(step_dir / "plan.json")}
    log = open(step_dir / "locust.log", "w")  # noqa: SIM115
    client = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                              start_new_session=True)
    sampler = CpuSampler(stack, client.pid)
    deadline = time.monotonic() + args.minutes * 60 + ramp + 90
    fault = {"thread": None, "result": {}}
    if inject is not None:
        import threading

        def run_fault():
            time.sleep(inject_at)
            fault["result"] = inject() or {}

        fault["thread"] = threading.Thread(target=run_fault, daemon=True)
        fault["thread"].start()
    try:
        while client.poll() is None:
            sampler.sample()
            time.sleep(2)
            if time.monotonic() > deadline:
                print("  the client overran its time: stopped", flush=True)
                os.killpg(client.pid, signal.SIGTERM)
    finally:
        if client.poll() is None:
            os.killpg(client.pid, signal.SIGKILL)
        client.wait()
        log.close()
    if fault["thread"] is not None:
        fault["thread"].join(timeout=180)
    result = report_step(args, stack, multiplier, offered, prefix, sampler, step_dir, started)
    result["fault"] = fault["result"]
    return result


def report_step(args, stack, multiplier, offered, prefix, sampler, step_dir, started) -> dict:
    rows = _stats(prefix)
    failures = _failures(prefix)
    server_errors = sum(int(f["Occurrences"]) for f in failures
                        if re.search(r"HTTP 5\d\d", f["Error"]))
    # 503 ("busy, try again") and 507 (upload disk full) are the worded answers the app
    # gives by design in a fault; the rest (500, 502, 504) are failures of the server.
    worded = sum(int(f["Occurrences"]) for f in failures if re.search(r"HTTP 50[37]\b", f["Error"]))
    timeouts = sum(int(f["Occurrences"]) for f in failures if re.search(r"HTTP 0\b", f["Error"]))
    print(f"\n  {'endpoint':<28} {'reqs':>6} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} "
          f"{'p99':>6}  (ms)")
    slow, total = [], None
    longest = max((float(r["Max Response Time"]) for r in rows if r["Name"] != "Aggregated"),
                  default=0.0)
    for row in rows:
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "all"
        count = int(row["Request Count"])
        p50, p95, p99 = (row.get("50%", "0"), row.get("95%", "0"), row.get("99%", "0"))
        line = (f"  {name[:28]:<28} {count:>6} {int(row['Failure Count']):>5} "
                f"{float(row['Requests/s']):>6.2f} {p50:>6} {p95:>6} {p99:>6}")
        if row["Name"] == "Aggregated":
            total = row
            print("  " + "-" * 70)
        elif p95 not in ("N/A", "") and float(p95) > TARGET_P95_MS:
            if count >= 20:
                slow.append(row["Name"])
                line += "  > 300 ms"
            else:
                line += "  > 300 ms (few requests)"
        print(line)
    for failure in failures:
        error = re.sub(r"^CatchResponseError\('(.*)'\)$", r"\1", failure["Error"])
        print(f"  error: {failure['Method']} {failure['Name']}: {error} "
              f"×{failure['Occurrences']}")
    cpu = sampler.summary()
    print("  CPU (100 % = one core), mean / max: " + ", ".join(
        f"{g} {m:.0f}/{x:.0f}%" for g, (m, x) in cpu.items()))
    throughput = float(total["Requests/s"]) if total else 0.0
    # On a shared machine the latencies measure the neighbours too; the CPU each served
    # request cost does not: 2 cores divided by it is the rate a dedicated machine holds.
    server_cpu = sum(cpu.get(g, (0, 0))[0] for g in ("postgres", "gunicorn", "celery", "beat",
                                                      "redis")) / 100
    cpu_ms = 1000 * server_cpu / throughput if throughput else 0.0
    capacity = (os.cpu_count() or 2) * 1000 / cpu_ms if cpu_ms else 0.0
    print(f"  server CPU per request {cpu_ms:.0f} ms (gunicorn "
          f"{1000 * cpu.get('gunicorn', (0, 0))[0] / 100 / throughput if throughput else 0:.0f}, "
          f"postgres {1000 * cpu.get('postgres', (0, 0))[0] / 100 / throughput if throughput else 0:.0f})"
          f" → a dedicated {os.cpu_count()}-core machine serves ≈ {capacity:.1f} req/s of this mix")
    reconciliation = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "reconcile.py"), "--root", str(stack.root),
         "--pg-port", str(stack.pg_port), "--writes", str(step_dir / "writes.*.jsonl"),
         "--since", str(started - 5)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **stack.env()},
    )
    print("  " + reconciliation.stdout.strip().replace("\n", "\n  "))
    if reconciliation.returncode and reconciliation.stderr:
        print(reconciliation.stderr[-2000:])
    saturated = bool(slow) or server_errors > 0 or timeouts > 0 or throughput < 0.9 * offered
    result = {
        "multiplier": multiplier, "offered": offered, "throughput": throughput,
        "server_errors": server_errors, "worded": worded, "timeouts": timeouts, "slow": slow,
        "cpu": cpu, "reconciled": reconciliation.returncode == 0, "saturated": saturated,
        "longest_ms": longest, "cpu_ms_per_request": cpu_ms, "capacity_rps": capacity, "reconciliation": reconciliation.stdout.strip(),
        "errors": [(f["Method"], f["Name"], f["Error"], f["Occurrences"]) for f in failures],
        "load_average": os.getloadavg(),
    }
    (step_dir / "result.json").write_text(json.dumps(result, indent=1))
    print(f"  verdict: throughput {throughput:.2f} of {offered:.2f} req/s offered, "
          f"{server_errors} server errors ({worded} of them a worded 503/507), {timeouts} timeouts, "
          f"{'endpoints over 300 ms: ' + ', '.join(slow) if slow else 'every p95 ≤ 300 ms'}; "
          f"{'SATURATED' if saturated else 'holds'}; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=Path("/work/var/loadtest"), type=Path)
    parser.add_argument("--scale", type=float, default=0.01, help="city scale (1.0: full city)")
    parser.add_argument("--reuse", action="store_true", help="use the city already built")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--multipliers", default="1,3,5")
    parser.add_argument("--search", action="store_true",
                        help="keep doubling after the multipliers until saturation")
    parser.add_argument("--max-multiplier", type=float, default=64)
    parser.add_argument("--min-multiplier", type=float, default=0.1,
                        help="with --search, halve down to this when the first step saturates")
    parser.add_argument("--max-users", type=int, default=300, help="simulated users per role")
    parser.add_argument("--spawn-rate", type=float, default=None,
                        help="users started per second (default: the model's sign-ins per second)")
    parser.add_argument("--timeout", type=float, default=10, help="client timeout (s)")
    add_port_arguments(parser)
    args = parser.parse_args()

    from bench.loadcity import city_ensure

    stack = stack_from_args(args)
    stack.start_postgres()
    stack.start_redis()
    city_ensure(stack, scale=args.scale, reuse=args.reuse)
    stack.start_app()
    accounts = json.loads((stack.root / "accounts.json").read_text())
    counts = {role: len(rows) for role, rows in accounts["roles"].items()}
    counts["leader"] = counts.get("district_officer", 0) + counts.get("city_officer", 0)
    run_dir = stack.root / "run" / time.strftime("%Y%m%d-%H%M%S")
    results = []
    multipliers = [float(m) for m in args.multipliers.split(",")]
    for multiplier in multipliers:
        results.append(run_step(args, stack, multiplier, counts, run_dir))
    multiplier = multipliers[-1]
    while args.search and not results[-1]["saturated"] and multiplier * 2 <= args.max_multiplier:
        multiplier *= 2
        results.append(run_step(args, stack, multiplier, counts, run_dir))
    # Saturated already at the first step: halve below it until a step holds.
    multiplier = min(multipliers)
    while (args.search and all(r["saturated"] for r in results)
           and multiplier / 2 >= args.min_multiplier):
        multiplier /= 2
        results.append(run_step(args, stack, multiplier, counts, run_dir))
    results.sort(key=lambda r: r["multiplier"])
    print("\n=== summary ===")
    for r in results:
        print(f"  {r['multiplier']:>4g}×  offered {r['offered']:7.2f} req/s  served "
              f"{r['throughput']:7.2f}  5xx {r['server_errors']}  timeouts {r['timeouts']}  "
              f"slow {len(r['slow'])}  reconciled {'yes' if r['reconciled'] else 'NO'}  "
              f"CPU/req {r['cpu_ms_per_request']:.0f} ms (capacity ≈ {r['capacity_rps']:.1f} req/s)  "
              f"{'SATURATED' if r['saturated'] else 'ok'}")
    holding = [r["multiplier"] for r in results if not r["saturated"]]
    first_bad = next((r["multiplier"] for r in results if r["saturated"]), None)
    print(f"  saturation: holds up to {max(holding) if holding else 0:g}× the estimated peak at "
          f"scale {args.scale}" + (f"; saturated at {first_bad:g}×" if first_bad else ""))
    print(f"  run directory: {run_dir}")
    stack.stop()


if __name__ == "__main__":
    main()
