"""Workers as the city's eyes: a registered worker who reports through the ordinary report
flow (the public report page, the app, the hotline with their number) is credited with the
case. The match is the phone's blind index: the case's reporter phone against the phones
of workers who consented; an anonymous report is never matched."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Max, Q

from wangge.cases.models import Case
from wangge.core import clock, crypto

from .models import Worker, WorkerReport


def worker_for_phone(phone: str) -> Worker | None:
    index = crypto.blind_index(phone, purpose="phone")
    if not index:
        return None
    return (Worker.objects.filter(phone_index=index, consent_on__isnull=False, consent_withdrawn_on__isnull=True)
            .order_by("pk").first())


def credit_case(case) -> WorkerReport | None:
    """Credit ``case`` to the worker whose phone reported it (once); None if no worker."""
    if case.anonymous or not case.reporter_phone_enc:
        return None
    worker = worker_for_phone(crypto.decrypt(case.reporter_phone_enc))
    if worker is None:
        return None
    credit, _created = WorkerReport.objects.get_or_create(
        case=case, defaults={"worker": worker, "company_id": worker.company_id, "area_path": worker.area_path,
                             "reported_at": case.created_at},
    )
    return credit


# The newest case a crediting run has read (a cache entry: losing it costs one full
# look-back, nothing else); cases of the last minutes are read again, for an id taken
# before a newer one but committed after the run read past it.
CURSOR_KEY = "employment:credit-reports:last-case"
REREAD = timedelta(minutes=15)


def credit_recent_reports(*, days: int = 3) -> int:
    """Credit every report of the last ``days`` that left a phone and is not credited yet
    (periodic task ``employment.credit_reports``; idempotent). Crediting runs here, off the
    report's own request, so reporting costs no statement more. A run reads only the cases
    after the previous run's newest (and the last minutes again), not three days' worth."""
    now = clock.now()
    since = now - timedelta(days=days)
    last = cache.get(CURSOR_KEY) or 0
    credited = WorkerReport.objects.values("case_id")
    cases = (Case.objects.filter(created_at__gte=since, anonymous=False).exclude(reporter_phone_enc="")
             .filter(Q(pk__gt=last) | Q(created_at__gte=now - REREAD))
             .exclude(pk__in=credited).only("pk", "anonymous", "reporter_phone_enc", "created_at"))
    newest = Case.objects.aggregate(newest=Max("pk"))["newest"] or last
    count = sum(1 for case in cases.iterator(chunk_size=500) if credit_case(case) is not None)
    cache.set(CURSOR_KEY, max(last, newest), timeout=days * 86400)
    return count
