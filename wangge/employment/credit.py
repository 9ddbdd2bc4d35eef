"""Workers as the city's eyes: a registered worker who reports through the ordinary report
flow (the public report page, the app, the hotline with their number) is credited with the
case. The match is the phone's blind index: the case's reporter phone against the phones
of workers who consented; an anonymous report is never matched."""

from wangge.cases.models import CaseEvent
from wangge.core import crypto

from .models import Worker, WorkerReport

REPORT_ACTION = "report"


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


def credit_report_event(event_id: int) -> None:
    """Case-event listener (registered in EmploymentConfig.ready): only intake events count."""
    event = CaseEvent.objects.filter(pk=event_id, action=REPORT_ACTION).select_related("case").first()
    if event is not None:
        credit_case(event.case)
