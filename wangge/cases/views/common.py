"""What the public and the staff case pages share."""

from django.http import FileResponse, Http404

from wangge.cases.models import Attachment
from wangge.cases.permissions import CASE_DESK_ROLES, can_work_cases  # noqa: F401
from wangge.core.errors import ApplicationError


def form_error(form, exc: ApplicationError, field_map: dict[str, str]) -> None:
    field = field_map.get(exc.field or "", exc.field)
    if field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


def serve_attachment(attachment: Attachment | None):
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
