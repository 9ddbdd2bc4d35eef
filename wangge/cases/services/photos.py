"""Photos of a case: checked, re-encoded (``cases.photos``) and stored.

A full upload disk refuses the photos, and with them the whole step (a report, a result):
nothing is half-saved, the user is told in words, and the phone app's outbox keeps the
record and sends it again with the same Idempotency-Key (the API answers 507, a 5xx it
resends on). The disk counts as full when storing the photos would leave less than
``WANGGE_UPLOAD_RESERVE_MB`` free on it, or when a write fails with ENOSPC/EDQUOT.
Steps without photos are not affected.
"""

import errno
import secrets
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext

from wangge.audit.services import audit_record
from wangge.cases import permissions as perms
from wangge.cases.models import Attachment, Case, CaseEvent
from wangge.cases.photos import PreparedPhoto, photo_prepare
from wangge.cases.selectors import case_is_visible_to
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused


def _read_photo(photo) -> bytes:
    limit = settings.WANGGE_CASE_PHOTO_MAX_BYTES
    if isinstance(photo, bytes | bytearray):
        data = bytes(photo)
    elif isinstance(photo, tuple):
        data = bytes(photo[1])
    else:
        if getattr(photo, "size", 0) and photo.size > limit:
            raise ApplicationError(gettext("照片不能超过 {n} MB").format(n=limit // (1024 * 1024)), field="photos")
        photo.seek(0)
        data = photo.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(gettext("照片不能超过 {n} MB").format(n=limit // (1024 * 1024)), field="photos")
    if not data:
        raise ApplicationError(gettext("照片是空文件"), field="photos")
    return data


class StorageFull(ApplicationError):
    """The upload disk is at its limit (API: 507)."""

    def __init__(self):
        super().__init__(
            gettext("照片存储空间已满，暂时无法接收照片，本次提交未保存。请稍后重试，或联系系统管理员。"),
            code="storage_full",
            field="photos",
        )


def _free_bytes() -> int:
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def storage_check(needed: int) -> None:
    """Refuse before anything is written when ``needed`` bytes would eat into the reserve."""
    if _free_bytes() - needed < settings.WANGGE_UPLOAD_RESERVE_MB * 1024 * 1024:
        raise StorageFull()


def photos_check(photos: Iterable) -> list[PreparedPhoto]:
    """Every photo upload path ends here: size and count, then ``photos.photo_prepare``
    (decoded, verified, re-encoded without metadata, with a thumbnail)."""
    photos = list(photos or ())
    most = settings.WANGGE_CASE_PHOTO_MAX_COUNT
    if len(photos) > most:
        raise ApplicationError(gettext("每次最多上传 {n} 张照片").format(n=most), field="photos")
    raw = [_read_photo(photo) for photo in photos]
    if raw:
        # A full disk refuses before decoding: re-encoding is the costly part, and phones
        # resend refused photos until the disk is freed (the first fault run: 2 refusals a
        # second kept a core busy). Re-encoded photos are checked again below.
        storage_check(sum(len(data) for data in raw))
    checked = [photo_prepare(data) for data in raw]
    if checked:
        storage_check(sum(len(p.data) + len(p.thumbnail) for p in checked))
    return checked


def photos_store(
    *, case: Case, checked: list[PreparedPhoto], kind: str, actor, event: CaseEvent | None
) -> list:
    stored = []
    try:
        for photo in checked:
            stored.append(_photo_store(case, photo, kind, actor, event))
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        for attachment in stored:  # the step is refused whole: no stray files
            attachment.file.delete(save=False)
            attachment.thumbnail.delete(save=False)
        raise StorageFull() from error
    return stored


def _photo_store(case, photo: PreparedPhoto, kind: str, actor, event) -> Attachment:
    attachment = Attachment(
        case=case,
        event=event,
        kind=kind,
        content_type=photo.content_type,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        token=secrets.token_urlsafe(24),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    name = uuid.uuid4().hex
    try:
        attachment.file.save(f"{name}.{photo.ext}", ContentFile(photo.data), save=False)
        attachment.thumbnail.save(f"{name}.thumb.jpg", ContentFile(photo.thumbnail), save=False)
    except OSError:
        if attachment.file:
            attachment.file.delete(save=False)
        raise
    attachment.save()
    return attachment


@transaction.atomic
def case_attachment_add(*, actor, case_id: int, kind: str, photo, request=None) -> Attachment:
    """Add one photo to a case the actor can see: reporters to their report, handlers to
    the result."""
    if kind not in ("report", "result"):
        raise ApplicationError(gettext("照片类型只能是 report 或 result"), field="kind")
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not case_is_visible_to(actor, case):
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    allowed = (
        perms.is_handler(actor, case)
        if kind == "result"
        else (
            case.reporter_id == actor.pk
            or perms.is_dispatcher(actor, case)
            or perms.can_verify(actor, case)
        )
    )
    if not allowed:
        raise PermissionRefused()
    checked = photos_check([photo])
    (attachment,) = photos_store(case=case, checked=checked, kind=kind, actor=actor, event=None)
    audit_record(
        action="case_attachment",
        actor=actor,
        request=request,
        obj=case,
        detail={"kind": kind, "attachment": attachment.pk},
    )
    return attachment
