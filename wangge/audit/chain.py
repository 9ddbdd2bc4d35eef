"""Tamper evidence for the audit log: a hash chain, a nightly seal and a verifier.

Writing a row never waits for the chain (a report's single INSERT stays single): a
periodic task links the rows that are older than a minute, in id order, each link holding
the row's content hash and the hash of the previous link with it; at night it records the
day's final hash (``AuditSeal``), shown to the audit administrator on the audit page.
``manage.py audit_verify`` recomputes everything from the rows as they are now and names the
first row that was changed or removed, or the first link or seal that no longer matches.
Someone who can write the tables directly can rewrite the chain too, but not the seals
already copied elsewhere: comparing those finds it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from wangge.audit.models import AuditChainLink, AuditEvent, AuditSeal
from wangge.core import clock

GENESIS = "0" * 64
# Rows younger than this are left for the next run: their transaction may still be open
# and an older id may commit after a younger one.
HORIZON = timedelta(minutes=1)
BATCH = 5000
_LOCK = 7_326_301  # pg_advisory_xact_lock key: one chainer at a time


def row_hash(event: AuditEvent) -> str:
    content = [
        event.pk,
        event.at.isoformat(),
        event.actor_id,
        event.actor_username,
        event.role,
        event.action,
        event.object_type,
        event.object_id,
        event.outcome,
        event.ip,
        event.detail,
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(previous: str, content: str) -> str:
    return hashlib.sha256(f"{previous}{content}".encode()).hexdigest()


def _last_link() -> AuditChainLink | None:
    return AuditChainLink.objects.order_by("-seq").first()


def chain_extend(*, horizon: timedelta = HORIZON) -> int:
    """Link every audit row older than ``horizon`` that has no link yet; return how many."""
    linked = 0
    cutoff = clock.now() - horizon
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            last = _last_link()
            previous = last.chain_hash if last else GENESIS
            after = last.event_id if last else 0
            events = list(
                AuditEvent.objects.filter(at__lt=cutoff, pk__gt=after).order_by("pk")[:BATCH]
            )
            # A row that committed late with an id below the newest link: linked too, after.
            late = list(
                AuditEvent.objects.filter(at__lt=cutoff, pk__lt=after)
                .exclude(pk__in=AuditChainLink.objects.values("event_id"))
                .order_by("pk")[:BATCH]
            ) if after and not events else []
            batch = late or events
            if not batch:
                return linked
            now = clock.now()
            links = []
            for event in batch:
                content = row_hash(event)
                previous = link_hash(previous, content)
                links.append(
                    AuditChainLink(event=event, row_hash=content, chain_hash=previous,
                                   chained_at=now)
                )
            AuditChainLink.objects.bulk_create(links)
            linked += len(links)


def seal_day(day: date | None = None) -> AuditSeal:
    """Link what is due and record the final hash as the seal of ``day`` (default:
    yesterday, local time). Sealing a day twice keeps the first seal."""
    day = day or clock.today() - timedelta(days=1)
    chain_extend()
    existing = AuditSeal.objects.filter(day=day).first()
    if existing is not None:
        return existing
    last = _last_link()
    return AuditSeal.objects.create(
        day=day,
        last_seq=last.seq if last else 0,
        rows=AuditChainLink.objects.count(),
        final_hash=last.chain_hash if last else GENESIS,
        sealed_at=clock.now(),
    )


@dataclass
class Finding:
    """The first thing that does not match, in words, and the audit row or link it is about."""

    message: str
    event_id: int | None = None
    seq: int | None = None


def chain_verify(*, horizon: timedelta = HORIZON) -> Finding | None:
    """Recompute the chain from the rows as they are now; None when everything matches."""
    previous = GENESIS
    hashes: dict[int, str] = {}
    seals = {seal.last_seq: seal for seal in AuditSeal.objects.all()}
    after = 0
    while True:
        links = list(AuditChainLink.objects.filter(seq__gt=after).order_by("seq")[:BATCH])
        if not links:
            break
        events = AuditEvent.objects.in_bulk([link.event_id for link in links])
        for link in links:
            event = events.get(link.event_id)
            if event is None:
                return Finding(f"审计记录 #{link.event_id} 已被删除（链序号 {link.seq}）",
                               link.event_id, link.seq)
            if row_hash(event) != link.row_hash:
                return Finding(f"审计记录 #{event.pk} 的内容已被改动（链序号 {link.seq}）",
                               event.pk, link.seq)
            previous = link_hash(previous, link.row_hash)
            if previous != link.chain_hash:
                return Finding(f"哈希链在序号 {link.seq}（审计记录 #{event.pk}）处断开",
                               event.pk, link.seq)
            hashes[link.seq] = previous
        after = links[-1].seq
    for last_seq, seal in sorted(seals.items()):
        if hashes.get(last_seq, GENESIS if last_seq == 0 else None) != seal.final_hash:
            return Finding(f"{seal.day} 的日终哈希与重新计算的结果不符（链序号 {last_seq}）",
                           None, last_seq)
    unlinked = (
        AuditEvent.objects.filter(at__lt=clock.now() - horizon)
        .exclude(pk__in=AuditChainLink.objects.values("event_id"))
        .order_by("pk")
        .first()
    )
    if unlinked is not None and seals:
        newest_seal = max(seals.values(), key=lambda seal: seal.day)
        if unlinked.at < newest_seal.sealed_at - horizon:
            return Finding(f"审计记录 #{unlinked.pk} 在日终封存之前写入却不在链上",
                           unlinked.pk, None)
    return None
