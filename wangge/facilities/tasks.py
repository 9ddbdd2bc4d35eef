"""Recomputing the 15-minute circle off the request path (eager in tests and the demo)."""

import logging

from celery import shared_task


@shared_task(name="facilities.recompute_coverage", ignore_result=True)
def recompute_coverage() -> int:
    from .coverage import recompute

    return recompute().pk


def recompute_later() -> None:
    """Queue a recomputation; a broker that is away must not fail the write (the next
    change, or ``manage.py facilities_recompute``, catches up)."""
    try:
        recompute_coverage.delay()
    except Exception:
        logging.getLogger(__name__).exception("could not queue the coverage recomputation")
