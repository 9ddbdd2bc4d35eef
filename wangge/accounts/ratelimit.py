"""Per-user and per-IP counters over the current clock hour, kept in Django's cache
(Redis in production, so every worker counts together; in-process memory otherwise).

One place for all of them: rows of residents and households read through lists, details
and searches (pages and API), reveals of full ID numbers and phones, and failed logins
per client IP.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError

_WINDOW_SECONDS = 3600


class RateLimited(ApplicationError):
    """Too much in this hour: the API answers 429, pages answer 429 with the message."""

    def __init__(self, message: str):
        super().__init__(message, code="rate_limited")


def _key(kind: str, ident) -> str:
    window = int(clock.now().timestamp() // _WINDOW_SECONDS)
    return f"wangge:rl:{kind}:{ident}:{window}"


def counter_value(kind: str, ident) -> int:
    return cache.get(_key(kind, ident), 0)


def counter_add(kind: str, ident, amount: int = 1) -> int:
    """Add to this hour's counter and return its new value (atomic on Redis)."""
    key = _key(kind, ident)
    cache.add(key, 0, timeout=_WINDOW_SECONDS + 60)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=_WINDOW_SECONDS + 60)
        return amount


def bulk_read_charge(*, user, rows: int, request=None, what: str = "resident") -> None:
    """Count ``rows`` personal records shown to ``user``; once this hour's budget
    (WANGGE_BULK_READ_ROWS_PER_HOUR) is spent, refuse further reads. The request that
    spends the budget and every refusal are audited (``bulk_read``)."""
    limit = settings.WANGGE_BULK_READ_ROWS_PER_HOUR
    if not user.pk or limit <= 0:
        return
    before = counter_value("rows", user.pk)
    if before >= limit:
        audit_record(action="bulk_read", outcome=Outcome.DENIED, actor=user, request=request,
                     object_type=what, detail={"rows_this_hour": before, "limit": limit})
        raise RateLimited(
            _("您本小时查阅的人员记录已达上限（%(limit)s 条），请稍后再试；批量使用数据请走导出审批")
            % {"limit": limit}
        )
    if rows <= 0:
        return
    after = counter_add("rows", user.pk, rows)
    if before < limit <= after:
        audit_record(action="bulk_read", actor=user, request=request, object_type=what,
                     detail={"rows_this_hour": after, "limit": limit})


def reveal_charge(*, user, request=None, obj=None, field: str = "") -> None:
    """One more reveal of a full ID number or phone; refused (and audited as a denied
    reveal) past WANGGE_REVEALS_PER_HOUR."""
    limit = settings.WANGGE_REVEALS_PER_HOUR
    if limit <= 0:
        return
    if counter_add("reveals", user.pk) > limit:
        audit_record(action="reveal", outcome=Outcome.DENIED, actor=user, request=request,
                     obj=obj, detail={"field": field, "reason": "rate_limited", "limit": limit})
        raise RateLimited(
            _("您本小时查看完整个人信息的次数已达上限（%(limit)s 次），请稍后再试") % {"limit": limit}
        )


def login_ip_blocked(ip: str | None) -> bool:
    """Has this client IP failed too many logins this hour (any usernames)?"""
    limit = settings.WANGGE_LOGIN_IP_FAILURES_PER_HOUR
    return bool(ip) and limit > 0 and counter_value("login_ip", ip) >= limit


def login_ip_failure(ip: str | None) -> None:
    if ip:
        counter_add("login_ip", ip)
