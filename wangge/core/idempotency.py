"""Idempotent POSTs: phones resend; a replay returns the first answer, never a duplicate.

The same key with a different body is refused (422). The record is written in the
same transaction as the work, so a failed attempt leaves no record and may be retried.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction

from wangge.core.errors import ApplicationError
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


def idempotent_call(
    *, request, scope: str, payload, perform: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run ``perform`` once per (user, Idempotency-Key); without a key just run it."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return perform()
    if len(key) > 100:
        raise ApplicationError("Idempotency-Key 过长（最多 100 个字符）", field=HEADER)
    fingerprint = _fingerprint(scope, payload)
    existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            status, body = perform()
            # One INSERT, after the work and in its transaction: a concurrent resend with
            # the same key waits on the unique index, fails here, and its work rolls back.
            IdempotencyRecord.objects.create(
                user=request.user,
                key=key,
                scope=scope,
                fingerprint=fingerprint,
                status_code=status,
                response=body,
            )
            return status, body
    except IntegrityError:
        # A concurrent resend committed first: answer with its result.
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
