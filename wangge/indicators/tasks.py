"""Periodic rebuild of the precomputed figures (Celery beat, or cron via the command)."""

from celery import shared_task

from wangge.indicators.periods import Period
from wangge.indicators.rollups import rollup_refresh, rollup_refresh_recent


@shared_task(name="indicators.refresh_current")
def refresh_current() -> int:
    """The running month: schedule well inside the freshness limit (e.g. every 10 minutes)."""
    return rollup_refresh(period=Period.current()).rows


@shared_task(name="indicators.refresh_recent")
def refresh_recent() -> int:
    """The current month and those trends show (e.g. nightly)."""
    return sum(run.rows for run in rollup_refresh_recent())
