"""Writes of the notification centre: notices from drafts (idempotent by key), their
deliveries through the recipients' chosen channels, the outbox sends with retries,
read marks and preferences."""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.identity import normalize_phone
from wangge.core.queueing import enqueue
from wangge.notifications import registry
from wangge.notifications.channels import CHANNELS, SMS, DeliveryError
from wangge.notifications.models import Delivery, DeliveryStatus, Notice, Preference, ScanCursor

logger = logging.getLogger(__name__)


class DeliveryRetry(Exception):
    """A send failed and will be tried again (the Celery task retries on it)."""


def _enqueue(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def send() -> None:
        from wangge.notifications.tasks import deliver

        for delivery_id in delivery_ids:
            # The broker is away: the row stays pending and the outbox sweep queues it.
            enqueue(deliver, delivery_id)

    transaction.on_commit(send)


def _preference(user) -> Preference | None:
    return Preference.objects.filter(user=user).first()


def _deliveries_for(notice: Notice, draft: registry.Draft, now: datetime) -> list[Delivery]:
    if notice.recipient is None:
        if not draft.phone:
            return []
        return [
            Delivery(
                notice=notice,
                channel=SMS.code,
                address_enc=crypto.encrypt(draft.phone),
                created_at=now,
            )
        ]
    preference = _preference(notice.recipient)
    if preference is None:
        return []
    phone = preference.phone
    rows = []
    for code in preference.channels:
        channel = CHANNELS.get(code)
        if channel is None or not channel.configured():
            continue
        address = channel.address_for(notice.recipient, phone)
        if not address and code in ("email", "sms"):
            continue
        rows.append(
            Delivery(
                notice=notice, channel=code, address_enc=crypto.encrypt(address), created_at=now
            )
        )
    return rows


def notices_from_drafts(drafts: Iterable[registry.Draft], *, may_notify) -> list[Notice]:
    """Write the notices of the drafts not written before (by key) for recipients who may
    see what they are about, with their deliveries; queue the sends after commit."""
    now = clock.now()
    created: list[Notice] = []
    queued: list[int] = []
    drafts = list(drafts)
    # Keys written before are skipped in one query rather than one failed insert each.
    taken: set[str] = set()
    keys = [d.key[:160] for d in drafts]
    for start in range(0, len(keys), 500):
        taken.update(
            Notice.objects.filter(key__in=keys[start : start + 500]).values_list("key", flat=True)
        )
    for draft in drafts:
        if draft.key[:160] in taken:
            continue
        taken.add(draft.key[:160])
        if draft.recipient is not None and not (
            draft.recipient.is_active and may_notify(draft.recipient, draft)
        ):
            continue
        if draft.recipient is None and not draft.phone:
            continue
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    key=draft.key[:160],
                    recipient=draft.recipient,
                    kind=draft.kind,
                    title=draft.title[:200],
                    body=draft.body,
                    link=draft.link[:300],
                    area_path=draft.area_path,
                    created_at=now,
                    # A text to a resident has no inbox to be read in.
                    read_at=now if draft.recipient is None else None,
                )
        except IntegrityError:
            continue  # written by an earlier scan or the on-commit listener
        created.append(notice)
        deliveries = Delivery.objects.bulk_create(_deliveries_for(notice, draft, now))
        queued.extend(d.pk for d in deliveries)
    _enqueue(queued)
    return created


def notices_scan_events(*, limit: int = 500) -> int:
    """Turn every registered source's events after its cursor into notices (at most
    ``limit`` events per source and call); returns how many notices were written."""
    written = 0
    for source in list(registry.EVENT_SOURCES.values()):
        with transaction.atomic():
            cursor, _ = ScanCursor.objects.get_or_create(name=f"events:{source.name}")
            cursor = ScanCursor.objects.select_for_update().get(pk=cursor.pk)
            batch = source.events_after(cursor.position, limit)
            for event_id, drafts in batch:
                written += len(notices_from_drafts(drafts, may_notify=source.may_notify))
                cursor.position = max(cursor.position, event_id)
            if batch:
                cursor.save(update_fields=["position", "updated_at"])
    return written


def notices_for_event(*, source: str, event_id: int) -> int:
    """The on-commit listener's path: one event now, rather than at the next scan (the
    keys make the scan that follows write nothing again)."""
    found = registry.EVENT_SOURCES.get(source)
    if found is None:
        return 0
    with transaction.atomic():
        drafts = found.drafts_for_event(event_id)
        return len(notices_from_drafts(drafts, may_notify=found.may_notify))


# A windowed deadline source looks back to its previous scan less this much (a case
# changed in a transaction that committed just after that scan read).
DEADLINE_SCAN_MARGIN = timedelta(minutes=10)


def notices_scan_deadlines(*, now: datetime | None = None) -> int:
    """Notices for every registered source's deadlines approaching or passed. A windowed
    source keeps the time of its last scan (a cursor, in seconds) and is asked only for
    what may have changed since, so a scan every few minutes reads a few cases, not a
    week's worth; overlapping scans wait for each other on the cursor row."""
    now = now or clock.now()
    written = 0
    for source in list(registry.DEADLINE_SOURCES.values()):
        with transaction.atomic():
            if not source.windowed:
                written += len(notices_from_drafts(source.drafts(now), may_notify=source.may_notify))
                continue
            cursor, _ = ScanCursor.objects.get_or_create(name=f"deadlines:{source.name}")
            cursor = ScanCursor.objects.select_for_update().get(pk=cursor.pk)
            stamp = int(now.timestamp())
            last = cursor.position
            since = datetime.fromtimestamp(last, UTC) - DEADLINE_SCAN_MARGIN if 0 < last <= stamp else None
            written += len(notices_from_drafts(source.drafts(now, since), may_notify=source.may_notify))
            cursor.position = stamp
            cursor.save(update_fields=["position", "updated_at"])
    return written


# --------------------------------------------------------------------------- outbox


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff, the same numbers the Celery task waits (tasks.deliver)."""
    seconds = settings.WANGGE_NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WANGGE_NOTIFY_RETRY_MAX_SECONDS))


def delivery_send(*, delivery_id: int) -> bool:
    """Send one pending delivery. True when sent; on failure the attempt and error are
    recorded and ``DeliveryRetry`` is raised while attempts remain, else it is failed."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notice")
            .filter(pk=delivery_id)
            .first()
        )
        now = clock.now()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return False
        # Sent early by the sweep or not yet due: a second copy of the task does nothing.
        if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=1):
            return False
        channel = CHANNELS.get(delivery.channel)
        delivery.attempts += 1
        try:
            if channel is None:
                raise DeliveryError(gettext("未知渠道"))
            channel.send(delivery.address, delivery.notice)
        except DeliveryError as error:
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= settings.WANGGE_NOTIFY_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            delivery.save()
            retry = delivery.status == DeliveryStatus.PENDING
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.save()
            return True
    if retry:
        raise DeliveryRetry(delivery.last_error)
    return False


def outbox_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Queue pending deliveries that are due (lost tasks, a broker that was down)."""
    now = now or clock.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .filter(created_at__lte=now - timedelta(seconds=settings.WANGGE_NOTIFY_RETRY_SECONDS))
        .values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        _enqueue(due)
    return len(due)


def delivery_retry(*, actor, delivery_id: int, request=None) -> Delivery:
    """A system administrator sends a failed delivery again (from the outbox page)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFoundOrForbidden(gettext("未找到该发送记录"))
        if delivery.status != DeliveryStatus.FAILED:
            raise ApplicationError(gettext("只有发送失败的记录可以重发"), code="conflict")
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            action="notice_delivery_retry",
            actor=actor,
            request=request,
            obj=delivery,
            detail={"channel": delivery.channel},
        )
        _enqueue([delivery.pk])
    return delivery


# --------------------------------------------------------------------------- inbox


def notice_mark_read(*, user, notice_id: int) -> Notice:
    notice = Notice.objects.filter(pk=notice_id, recipient=user).first()
    if notice is None:
        raise NotFoundOrForbidden(gettext("未找到该通知"))
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


def preference_update(
    *, user, channels: Iterable[str], phone: str = "", request=None
) -> Preference:
    chosen = [code for code in CHANNELS if code in set(channels)]
    phone = (phone or "").strip()
    if phone:
        phone = normalize_phone(phone)
    if "sms" in chosen and not phone:
        raise ApplicationError(gettext("选择短信时请填写手机号"), field="phone")
    if "email" in chosen and not user.email:
        raise ApplicationError(gettext("您的账号没有电子邮箱，不能选择邮件"), field="channels")
    preference, _ = Preference.objects.get_or_create(user=user)
    preference.channels = chosen
    preference.phone_enc = crypto.encrypt(phone)
    preference.save()
    audit_record(
        action="notice_preference_update",
        actor=user,
        request=request,
        obj=preference,
        detail={"channels": chosen},
    )
    return preference
