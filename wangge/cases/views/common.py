"""What the public and the staff case pages share."""

from django.http import FileResponse, Http404

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.cases import permissions as perms
from wangge.cases.models import Attachment
from wangge.core.errors import ApplicationError

# Roles that work with cases at all (the work list and the case page).
CASE_DESK_ROLES = perms.CASE_AREA_READ_ROLES | {Role.DEPARTMENT_HANDLER}


def can_work_cases(user) -> bool:
    return has_any_role(user, CASE_DESK_ROLES)


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
