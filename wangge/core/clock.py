"""The one source of time: aware datetimes, UTC in storage, Asia/Shanghai for people."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return now().astimezone(LOCAL_TZ).date()
