"""Periodic work of the new-employment module (Celery beat)."""

from celery import shared_task

from .credit import credit_recent_reports


@shared_task(name="employment.credit_reports")
def credit_reports() -> int:
    """Credit workers' recent reports to them, their company and alliance."""
    return credit_recent_reports()
