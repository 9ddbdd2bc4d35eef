"""Periodic rebuild of the precomputed figures (Celery beat, or cron via the command)."""

from celery import shared_task

from wangge.indicators.periods import Period
from wangge.indicators.rollups import rollup_refresh, rollup_refresh_recent, rollup_refresh_stale


@shared_task(name="indicators.refresh_current")
def refresh_current() -> int:
    """The running month: schedule well inside the freshness limit (e.g. every 10 minutes);
    then any closed month of the trend whose rollup is missing or too old to be shown."""
    rows = rollup_refresh(period=Period.current()).rows
    return rows + sum(run.rows for run in rollup_refresh_stale())


@shared_task(name="indicators.refresh_recent")
def refresh_recent() -> int:
    """The current month and the 12 before it, which trends show (nightly: closed months
    may be shown for ``WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS``, default 26)."""
    return sum(run.rows for run in rollup_refresh_recent())
