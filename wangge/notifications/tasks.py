"""Sending and scanning run in Celery: the sends retry with exponential backoff (the
outbox row keeps attempts and the last error), beat runs the scanners and the sweep."""

from celery import shared_task
from django.conf import settings

from wangge.notifications.services import (
    DeliveryRetry,
    delivery_send,
    notices_scan_deadlines,
    notices_scan_events,
    outbox_sweep,
)


@shared_task(
    name="notifications.deliver",
    bind=True,
    autoretry_for=(DeliveryRetry,),
    retry_backoff=settings.WANGGE_NOTIFY_RETRY_SECONDS,
    retry_backoff_max=settings.WANGGE_NOTIFY_RETRY_MAX_SECONDS,
    retry_jitter=False,
    # The last attempt marks the row failed instead of raising: never more than this.
    max_retries=settings.WANGGE_NOTIFY_MAX_ATTEMPTS,
)
def deliver(self, delivery_id: int) -> bool:
    try:
        return delivery_send(delivery_id=delivery_id)
    except DeliveryRetry:
        if self.request.is_eager:
            # In-process (demo, tests): no worker to come back later; the row stays
            # pending with its next attempt time and the outbox sweep sends it then.
            return False
        raise


@shared_task(name="notifications.scan_events")
def scan_events() -> int:
    """Notices from new timeline events (the cursor makes a rescan write nothing twice)."""
    return notices_scan_events()


@shared_task(name="notifications.scan_deadlines")
def scan_deadlines() -> int:
    """Deadlines approaching and passed, once per thing, deadline and recipient."""
    return notices_scan_deadlines()


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    return outbox_sweep()
