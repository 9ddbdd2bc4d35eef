"""Nightly: adverse credit records are deleted 5 years after they ended
(``WANGGE_FINANCE_ADVERSE_YEARS``); consent-less credit rows are never shown (the
selectors derive that in the query) and are removed here too."""

from celery import shared_task
from django.conf import settings

from wangge.core import clock

from .models import AdverseRecord, Consent, Rating


def _years_ago(years: int):
    today = clock.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def adverse_records_expire() -> int:
    cutoff = _years_ago(settings.WANGGE_FINANCE_ADVERSE_YEARS)
    deleted = AdverseRecord.objects.filter(ended_on__isnull=False, ended_on__lt=cutoff).delete()[0]
    open_consent = Consent.objects.filter(withdrawn_on__isnull=True).values("household_id")
    deleted += Rating.objects.exclude(household_id__in=open_consent).delete()[0]
    deleted += AdverseRecord.objects.exclude(household_id__in=open_consent).delete()[0]
    return deleted


@shared_task(name="finance.adverse_records_expire")
def adverse_records_expire_task() -> int:
    return adverse_records_expire()
