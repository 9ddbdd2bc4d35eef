"""Idempotent POSTs: phones resend; a replay returns the first answer, never a duplicate.

The same key with a different body is refused (422). The record is written in the
same transaction as the work, so a failed attempt leaves no record and may be retried.
"""

import hashlib
import json
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.inserts import deferred_rows, insert_row, insert_rows
from wangge.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


class IdempotencyMismatch(ApplicationError):
    def __init__(self):
        super().__init__(
            "该幂等键已用于另一份不同的请求内容", code="idempotency_mismatch", field=None
        )


def _fingerprint(scope: str, payload) -> str:
    body = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{scope}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, dict]:
    if record.fingerprint != fingerprint:
        raise IdempotencyMismatch()
    return record.status_code, record.response


def _record(request, key, scope, fingerprint, status, body) -> IdempotencyRecord:
    return IdempotencyRecord(
        user=request.user,
        key=key,
        scope=scope,
        fingerprint=fingerprint,
        status_code=status,
        response=body,
    )


def _first_answer(user, key: str) -> IdempotencyRecord | None:
    return (
        IdempotencyRecord.objects.filter(user=user, key=key)
        .only("fingerprint", "status_code", "response")
        .first()
    )


def idempotent_call(
    *,
    request,
    scope: str,
    payload,
    perform: Callable[[], tuple[int, dict]],
    check_first: bool = True,
    single_statement: bool = False,
) -> tuple[int, dict]:
    """Run ``perform`` once per (user, Idempotency-Key); without a key just run it.

    ``check_first=False`` suits creations, where a resend is the rare case: the lookup
    is skipped and the unique key catches the resend instead (its work rolls back, and a
    case number it drew stays unused).

    ``single_statement=True`` is for work that writes only through ``insert_rows`` rows
    whose keys it already holds: on PostgreSQL those rows and the idempotency record go
    in as one statement, atomic by itself, with no BEGIN and COMMIT round trips.
    """
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return perform()
    if len(key) > 100:
        raise ApplicationError(_("Idempotency-Key 过长（最多 100 个字符）"), field=HEADER)
    fingerprint = _fingerprint(scope, payload)
    if check_first and (existing := _first_answer(request.user, key)) is not None:
        return _replay(existing, fingerprint)
    try:
        if single_statement and connection.vendor == "postgresql":
            with deferred_rows() as rows:
                status, body = perform()
            # Inside a caller's transaction a failed statement needs its own savepoint.
            guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
            with guard:
                insert_rows(*rows, _record(request, key, scope, fingerprint, status, body))
            return status, body
        with transaction.atomic():
            status, body = perform()
            # One INSERT, after the work and in its transaction: a concurrent resend with
            # the same key waits on the unique index, fails here, and its work rolls back.
            insert_row(_record(request, key, scope, fingerprint, status, body))
            return status, body
    except (IntegrityError, ApplicationError):
        # An earlier send with this key got through (concurrently, or before a state
        # change that makes this attempt fail): answer with its result.
        existing = _first_answer(request.user, key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)


def idempotency_records_purge(*, days: int | None = None) -> int:
    """Forget first answers older than ``days`` (``WANGGE_IDEMPOTENCY_DAYS``, 30): a
    phone's outbox resends within hours, or within days after a long offline spell."""
    days = days if days is not None else settings.WANGGE_IDEMPOTENCY_DAYS
    cutoff = clock.now() - timedelta(days=days)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
