"""Reconcile the load client's write log with the database (issue 17).

    .venv/bin/python bench/reconcile.py --root /work/var/loadtest --writes '/work/var/loadtest/run/*/writes.*.jsonl'

Each line of the log is one write as the client saw it (``bench/locustfile.py``): its kind,
user, ``Idempotency-Key``, a marker carried in its text, the status of every attempt and
whether it was acknowledged. The checks:

- an acknowledged write exists exactly once (found by its marker: the visit's notes, the
  case's description, the event's note, the patrol's client reference, the rating's
  comment), and a keyed one has its idempotency record;
- an unacknowledged write exists at most once (the server may have done it and lost the
  answer, never twice);
- a resend of an acknowledged write got the first answer back;
- an acknowledged finding has its photo;
- every case created or acted on since ``--since`` (default: the log's first write) has a
  consistent timeline — its first event is the report (from no status) when it was created
  in the run, each status change starts where the previous one ended, the last one ends in
  the case's status — and an audit row.

Prints a summary and exits 1 on any failure. ``reconcile()`` is the function the load and
fault scripts and the test call (inside Django).
"""

import argparse
import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadhelpers import IMPORT_ROWS  # noqa: E402

# kind → how to count its rows by marker
ACTION_KINDS = {"case_accept", "case_dispatch", "case_sign", "case_resolve"}


@dataclass
class Report:
    writes: int = 0
    acked: int = 0
    unacked: int = 0
    cases_checked: int = 0
    unanswered_replays: int = 0
    failures: list[str] = field(default_factory=list)
    by_kind: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def summary(self) -> str:
        lines = [
            f"reconciliation: {'PASS' if self.ok else 'FAIL'} — {self.writes} writes "
            f"({self.acked} acknowledged, {self.unacked} not), {self.cases_checked} case timelines"
            + (f", {self.unanswered_replays} resends unanswered (timed out)" if self.unanswered_replays else ""),
            "  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items())),
        ]
        for message in self.failures[:30]:
            lines.append(f"  FAIL {message}")
        if len(self.failures) > 30:
            lines.append(f"  … and {len(self.failures) - 30} more")
        return "\n".join(lines)


MARKER = re.compile(r"LT[0-9A-Za-z]+")
_found: dict[str, Counter] = {}


def _markers_in(key: str) -> Counter:
    """How often each marker occurs in one kind of text: one scan of its table for the
    whole check (a LIKE per write read eleven million visits each time)."""
    from wangge.cases.models import Case, CaseEvent, Evaluation
    from wangge.patrols.models import Visit
    from wangge.people.models import Resident

    if key not in _found:
        if key.startswith("event:"):
            texts = CaseEvent.objects.filter(action=key[6:], note__contains="LT").values_list(
                "note", flat=True)
        else:
            model, field = {
                "visit": (Visit, "notes"), "case": (Case, "description"),
                "rate": (Evaluation, "comment"), "import": (Resident, "notes"),
            }[key]
            texts = model.objects.filter(**{f"{field}__contains": "LT"}).values_list(
                field, flat=True)
        found = Counter()
        for text in texts.iterator(chunk_size=5000):
            found.update(set(MARKER.findall(text or "")))
        _found[key] = found
    return _found[key]


def _count(row: dict) -> int | None:
    """How many rows the write left in the database (None: a kind not counted)."""
    from wangge.patrols.models import Patrol

    kind, marker = row["kind"], row.get("marker") or ""
    if not marker:
        return None
    if kind == "visit":
        return _markers_in("visit")[marker]
    if kind in ("finding", "case_report"):
        return _markers_in("case")[marker]
    if kind == "patrol_start":
        return Patrol.objects.filter(client_ref=marker, worker_id=row.get("user_id")).count()
    if kind == "patrol_end":
        return Patrol.objects.filter(
            client_ref=marker, worker_id=row.get("user_id"), ended_at__isnull=False
        ).count()
    if kind in ACTION_KINDS:
        return _markers_in(f"event:{kind[5:]}")[marker]
    if kind == "rate":
        return _markers_in("rate")[marker]
    if kind == "import":
        return _markers_in("import")[marker]
    return None


def check_writes(rows: list[dict], report: Report) -> None:
    from wangge.cases.models import Case
    from wangge.core.models import IdempotencyRecord

    _found.clear()  # the database as it is now, not as an earlier check read it
    for row in rows:
        report.writes += 1
        report.by_kind[row["kind"]] += 1
        label = f"{row['kind']} {row.get('marker')} by {row.get('user') or 'anonymous'}"
        count = _count(row)
        once = IMPORT_ROWS if row["kind"] == "import" else 1  # an import: every row of its file
        if row.get("acked"):
            report.acked += 1
            if count is not None and count != once:
                report.fail(f"{label}: acknowledged but found {count} times" + (
                    f" (its file has {once} rows)" if once > 1 else ""))
            if row.get("key") and row.get("user_id"):
                records = IdempotencyRecord.objects.filter(
                    user_id=row["user_id"], key=row["key"]
                ).count()
                if records != 1:
                    report.fail(f"{label}: acknowledged, {records} idempotency records")
            replay = row.get("replay")
            if replay and not replay.get("status"):
                # The resend got no answer at all (the client's timeout): nothing to compare;
                # the count above already shows whether it wrote a second row.
                report.unanswered_replays += 1
            elif replay and (replay.get("status") not in (200, 201) or not replay.get("same")):
                report.fail(f"{label}: resend answered {replay.get('status')}, "
                            f"{'same' if replay.get('same') else 'a different'} answer")
            if row["kind"] == "finding" and count == 1:
                case = Case.objects.filter(description__contains=row["marker"]).first()
                if case.attachments.count() != 1:
                    report.fail(f"{label}: {case.attachments.count()} photos, expected 1")
        else:
            report.unacked += 1
            if count is not None and count not in (0, once):
                report.fail(f"{label}: not acknowledged but found {count} times" + (
                    f" (its file has {once} rows: all or none)" if once > 1 else ""))


def check_timelines(since: datetime, report: Report) -> None:
    from django.db.models import Q

    from wangge.audit.models import AuditEvent
    from wangge.cases.models import Case, CaseEvent

    touched = set(Case.objects.filter(created_at__gte=since).values_list("id", flat=True))
    touched |= set(CaseEvent.objects.filter(at__gte=since).values_list("case_id", flat=True))
    events = defaultdict(list)
    for event in CaseEvent.objects.filter(case_id__in=touched).order_by("at", "id"):
        events[event.case_id].append(event)
    audited = set(
        AuditEvent.objects.filter(
            Q(object_type="cases.case") | Q(object_type="case"),
            object_id__in=[str(i) for i in touched],
        ).values_list("object_id", flat=True)
    )
    for case in Case.objects.filter(id__in=touched).only("id", "number", "status", "created_at"):
        report.cases_checked += 1
        rows = events.get(case.id, [])
        if not rows:
            report.fail(f"case {case.number}: no timeline events")
            continue
        if case.created_at >= since and (rows[0].from_status or rows[0].to_status != "reported"):
            report.fail(
                f"case {case.number}: first event {rows[0].action} "
                f"{rows[0].from_status!r}→{rows[0].to_status!r}, expected the report"
            )
        changes = [e for e in rows if e.to_status]
        for before, after in zip(changes, changes[1:], strict=False):
            if after.from_status != before.to_status:
                report.fail(
                    f"case {case.number}: {after.action} starts at {after.from_status!r}, "
                    f"the previous event ended at {before.to_status!r}"
                )
        if changes and changes[-1].to_status != case.status:
            report.fail(
                f"case {case.number}: last event ends at {changes[-1].to_status!r}, "
                f"the case is {case.status!r}"
            )
        if str(case.id) not in audited:
            report.fail(f"case {case.number}: no audit row")


def reconcile(rows: list[dict], *, since: datetime | None = None) -> Report:
    report = Report()
    check_writes(rows, report)
    if since is None and rows:
        since = datetime.fromtimestamp(min(r["t"] for r in rows) - 30, tz=UTC)
    if since is not None:
        check_timelines(since, report)
    return report


def read_writes(patterns: list[str]) -> list[dict]:
    rows = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            with open(path) as handle:
                rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/work/var/loadtest"))
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--writes", nargs="+", required=True, help="JSONL files (globs)")
    parser.add_argument("--since", type=float, help="epoch seconds; default: the first write")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        from bench.stack import Stack

        os.environ.update(Stack(args.root, pg_port=args.pg_port).env())
    import django

    django.setup()
    rows = read_writes(args.writes)
    since = datetime.fromtimestamp(args.since, tz=UTC) if args.since else None
    report = reconcile(rows, since=since)
    print(report.summary())
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
