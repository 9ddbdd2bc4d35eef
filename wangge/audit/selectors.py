from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from wangge.accounts.permissions import can_read_audit
from wangge.audit.models import AuditEvent
from wangge.core import clock
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


def audit_recent_count(
    *,
    action: str,
    within: timedelta = timedelta(hours=1),
    actor=None,
    ip: str | None = None,
    outcome: str = "",
    **detail,
) -> int:
    """How many ``action`` rows the audit log holds from the last ``within``, of one actor
    (``actor``; ``None`` with ``ip`` means anonymous requests from that address), the
    one count behind the rate limits that the audit log already records (exports, public
    reports). ``detail`` filters on the row's detail keys (``source="resident"``)."""
    rows = AuditEvent.objects.filter(action=action, at__gte=clock.now() - within)
    if actor is not None:
        rows = rows.filter(actor_id=actor.pk)
    if ip is not None:
        rows = rows.filter(ip=ip)
        if actor is None:
            rows = rows.filter(actor__isnull=True)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if detail:
        rows = rows.filter(**{f"detail__{key}": value for key, value in detail.items()})
    return rows.count()
