"""Recomputing the 15-minute circle off the request path (eager in tests and the demo)."""

from celery import shared_task

from wangge.core.queueing import enqueue


@shared_task(name="facilities.recompute_coverage", ignore_result=True)
def recompute_coverage() -> int:
    from .coverage import recompute

    return recompute().pk


def recompute_later() -> None:
    """Queue a recomputation; a broker that is away must not fail the write
    (``recompute_if_stale`` on beat catches up)."""
    enqueue(recompute_coverage)


@shared_task(name="facilities.recompute_if_stale", ignore_result=True)
def recompute_if_stale() -> bool:
    """The safety net of ``recompute_later`` (beat): recompute when a facility or type
    changed after the last computation finished (a queue send lost while Redis was away)."""
    from .coverage import coverage_stale, recompute

    if not coverage_stale():
        return False
    recompute()
    return True
