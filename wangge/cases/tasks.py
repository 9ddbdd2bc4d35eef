"""Periodic work of the closed loop (run by Celery beat, or by cron via the shell)."""

import logging

from celery import shared_task

from wangge.cases.services import cases_close_after_followup
from wangge.core.queueing import enqueue

logger = logging.getLogger(__name__)


@shared_task(name="cases.close_after_followup")
def close_after_followup() -> int:
    """Close verified cases whose reporter did not complain within the follow-up window."""
    return cases_close_after_followup()


@shared_task(name="cases.notify_event", ignore_result=True)
def notify_event(event_id: int) -> int:
    """The notices of one committed timeline event, off the request path (a worker does
    the recipients' queries; the periodic scan catches up if this is lost)."""
    from wangge.cases.notices import case_event_notify

    return case_event_notify(event_id)


def notify_event_later(event_id) -> None:
    """The listener registered with cases.events: queue, never query, in the request."""
    # A broker that is away must not fail the report: notifications.scan_events reads
    # every event after its cursor, and the notices' keys make the second path write nothing.
    enqueue(notify_event, int(getattr(event_id, "pk", event_id)))
