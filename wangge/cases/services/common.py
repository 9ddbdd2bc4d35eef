"""What every case writer shares: text checks, the row lock, conflict errors."""

__all__ = [
    "TOKEN_CHARS",
    "clean_text",
    "is_token_shaped",
]

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext

from wangge.accounts.models import Department
from wangge.areas.models import Area
from wangge.cases.models import Case
from wangge.cases.selectors import case_is_visible_to
from wangge.cases.text import TOKEN_CHARS, clean_text, is_token_shaped
from wangge.core.dbfaults import brief_lock_wait
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

MAX_DESCRIPTION = 2000
MAX_NOTE = 2000


def followup_window() -> timedelta:
    """How long after resolution the reporter may rate (and reopen) the case."""
    return timedelta(days=settings.WANGGE_CASE_FOLLOWUP_DAYS)


def required_text(value: str | None, field: str, message: str) -> str:
    value = clean_text(value)
    if not value:
        raise ApplicationError(message, field=field)
    if len(value) > MAX_NOTE:
        raise ApplicationError(gettext("最多 {n} 字").format(n=MAX_NOTE), field=field)
    return value


def optional_text(value: str | None, field: str) -> str:
    value = clean_text(value)
    if len(value) > MAX_NOTE:
        raise ApplicationError(gettext("最多 {n} 字").format(n=MAX_NOTE), field=field)
    return value


def conflict(message: str) -> ApplicationError:
    return ApplicationError(message, code="conflict")


def case_lock(actor, case_id) -> Case:
    """The case row, locked, if the actor can see it (else 404). A row another session
    holds longer than ``WANGGE_CASE_LOCK_WAIT_MS`` answers "busy" (503) at once."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden(gettext("未找到该案件")) from None
    with brief_lock_wait(settings.WANGGE_CASE_LOCK_WAIT_MS):
        case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case_is_visible_to(actor, case):
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    return case


def department_from(value) -> Department | None:
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        return value
    found = Department.objects.select_related("area").filter(pk=value).first()
    if found is None:
        raise ApplicationError(gettext("未找到该部门"), field="handler_department")
    return found


def area_from(value, field: str = "handler_area") -> Area | None:
    if value is None or value == "":
        return None
    if isinstance(value, Area):
        return value
    found = Area.objects.filter(pk=value).first()
    if found is None:
        raise ApplicationError(gettext("未找到该区域"), field=field)
    return found
