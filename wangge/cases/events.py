"""A case's timeline: every change writes one ``CaseEvent`` and its audit row here.

Other apps learn about new events through an explicit listener registry (no Django
signals): ``register_case_event_listener(fn)`` once at start-up, and ``fn(event_id)``
runs after the transaction that wrote the event commits (never for a rolled-back one).

Intake on PostgreSQL writes its rows in one statement the caller issues after the
service returns (``core.inserts.deferred_rows``); there the event is only built, and the
caller wraps its work in ``case_events_collected()`` so the listeners hear about the
event once that statement has written it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction

from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_event
from wangge.cases.models import Case, CaseEvent
from wangge.core.inserts import insert_rows, rows_deferred

CaseEventListener = Callable[[int], object]

_listeners: list[CaseEventListener] = []
# Events built while their rows are deferred, waiting to be written (None: no collector).
_collected: ContextVar[list[CaseEvent] | None] = ContextVar("wangge_case_events", default=None)


def register_case_event_listener(fn: CaseEventListener) -> CaseEventListener:
    """Call ``fn(event_id)`` after each committed case event (idempotent; usable as a
    decorator)."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_case_event_listener(fn: CaseEventListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def case_event_listeners() -> tuple[CaseEventListener, ...]:
    return tuple(_listeners)


def _notify(event: CaseEvent) -> None:
    for fn in _listeners:
        # Bind this listener now; the id is read at commit time (set by then).
        transaction.on_commit(lambda fn=fn: fn(event.pk))


def case_event_build(
    *,
    case: Case,
    action: str,
    at: datetime,
    actor=None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str = "",
    data: dict | None = None,
    audit_detail: dict | None = None,
    request=None,
) -> tuple[CaseEvent, AuditEvent]:
    """The event and its audit row, not yet written. ``from_status``/``to_status``
    default to the case's current status (an event that changes nothing)."""
    status = case.status
    event = CaseEvent(
        case=case,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=status if from_status is None else from_status,
        to_status=status if to_status is None else to_status,
        note=note,
        data=data or {},
    )
    detail = (
        audit_detail
        if audit_detail is not None
        else {"number": case.number, "from": event.from_status, "to": event.to_status}
    )
    audit = audit_event(
        action=f"case_{action}",
        actor=actor if getattr(actor, "pk", None) else None,
        request=request,
        obj=case,
        detail=detail,
    )
    return event, audit


def case_event_write(*, extra_rows: tuple = (), **fields) -> CaseEvent:
    """Write one timeline event and its audit row (``case_event_build``'s fields), with
    any ``extra_rows`` that go in the same statement, and tell the listeners after
    commit. Under ``deferred_rows`` the rows go to the caller's statement instead."""
    event, audit = case_event_build(**fields)
    insert_rows(*extra_rows, event, audit)
    if rows_deferred():
        collected = _collected.get()
        if collected is None:
            if _listeners:
                raise RuntimeError("deferred case events need case_events_collected()")
        else:
            collected.append(event)
    else:
        _notify(event)
    return event


@contextmanager
def case_events_collected() -> Iterator[None]:
    """Around work whose rows may be deferred: once the block has ended (and the caller
    has written the rows), tell the listeners about the events that were written."""
    collected: list[CaseEvent] = []
    token = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(token)
    for event in collected:
        if event.pk is not None and not event._state.adding:
            _notify(event)
