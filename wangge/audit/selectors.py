from datetime import date, datetime, time

from django.db.models import QuerySet

from wangge.accounts.permissions import can_read_audit
from wangge.audit.models import AuditEvent
from wangge.core.clock import LOCAL_TZ


def audit_event_list(
    *,
    user,
    username: str = "",
    action: str = "",
    outcome: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(actor_username=username)
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if date_from:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, LOCAL_TZ))
    if date_to:
        events = events.filter(at__lte=datetime.combine(date_to, time.max, LOCAL_TZ))
    return events.order_by("-at", "-id")
