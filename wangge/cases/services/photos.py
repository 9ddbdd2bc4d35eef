"""Photos of a case: checked, re-encoded (``cases.photos``) and stored."""

import secrets
import uuid
from collections.abc import Iterable

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


def photos_check(photos: Iterable) -> list[PreparedPhoto]:
    """Every photo upload path ends here: size and count, then ``photos.photo_prepare``
    (decoded, verified, re-encoded without metadata, with a thumbnail)."""
    photos = list(photos or ())
    most = settings.WANGGE_CASE_PHOTO_MAX_COUNT
    if len(photos) > most:
        raise ApplicationError(gettext("每次最多上传 {n} 张照片").format(n=most), field="photos")
    return [photo_prepare(_read_photo(photo)) for photo in photos]


def photos_store(
    *, case: Case, checked: list[PreparedPhoto], kind: str, actor, event: CaseEvent | None
) -> list:
    stored = []
    for photo in checked:
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
        attachment.file.save(f"{name}.{photo.ext}", ContentFile(photo.data), save=False)
        attachment.thumbnail.save(f"{name}.thumb.jpg", ContentFile(photo.thumbnail), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


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
