"""Periodic work of the closed loop (run by Celery beat, or by cron via the shell)."""

from celery import shared_task

from wangge.cases.services import cases_close_after_followup


@shared_task(name="cases.close_after_followup")
def close_after_followup() -> int:
    """Close verified cases whose reporter did not complain within the follow-up window."""
    return cases_close_after_followup()
