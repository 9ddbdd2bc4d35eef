"""吹哨报到: a street summons departments to a case, they check in, the street rates them."""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext

from wangge.areas.reference import area_at_depth
from wangge.cases import permissions as perms
from wangge.cases.events import case_event_write
from wangge.cases.models import SUMMONS_STATUSES, Status, Summons, SummonsResponse
from wangge.cases.services.common import case_lock, conflict, department_from, optional_text
from wangge.core import clock
from wangge.core.calendar import next_working_day_end
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused

SUMMONS_URGENT_MINUTES = 30


@transaction.atomic
def summons_issue(
    *,
    actor,
    case_id: int,
    departments: Iterable,
    urgent: bool = False,
    reason: str = "",
    request=None,
) -> Summons:
    """吹哨: the case's street calls departments in; each must check in by its deadline
    (30 minutes if urgent, else the end of the next working day)."""
    case = case_lock(actor, case_id)
    if not perms.can_summon(actor, case):
        raise PermissionRefused()
    if case.status not in SUMMONS_STATUSES:
        raise conflict(gettext("案件当前状态为“{status}”，不能吹哨").format(status=Status(case.status).label))
    chosen = []
    for value in departments or ():
        department = department_from(value)
        if department is not None and department not in chosen:
            chosen.append(department)
    if not chosen:
        raise ApplicationError(gettext("请选择要吹哨的部门"), field="departments")
    reason = optional_text(reason, "reason")
    now = clock.now()
    street = area_at_depth(case.area_path, 3)
    if street is None:
        raise ApplicationError(gettext("案件不在任何街道范围内"), field="case")
    due = now + timedelta(minutes=SUMMONS_URGENT_MINUTES) if urgent else next_working_day_end(now)
    summons = Summons.objects.create(
        case=case, street=street, issued_by=actor, issued_at=now, urgent=urgent, reason=reason
    )
    SummonsResponse.objects.bulk_create(
        [SummonsResponse(summons=summons, department=d, due_at=due) for d in chosen]
    )
    case_event_write(
        case=case,
        action="summon",
        at=now,
        actor=actor,
        note=reason,
        data={
            "summons": summons.pk,
            "departments": [d.pk for d in chosen],
            "department_names": [d.name for d in chosen],
            "urgent": urgent,
            "due_at": due.isoformat(),
        },
        audit_detail={"number": case.number, "departments": [d.pk for d in chosen]},
        request=request,
    )
    return summons


def _lock_response(response_id) -> SummonsResponse:
    try:
        response_id = int(response_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden(gettext("未找到该吹哨记录")) from None
    response = SummonsResponse.objects.select_for_update().filter(pk=response_id).first()
    if response is None:
        raise NotFoundOrForbidden(gettext("未找到该吹哨记录"))
    return response


@transaction.atomic
def summons_check_in(*, actor, response_id: int, note: str = "", request=None) -> SummonsResponse:
    """报到: a summoned department's handler checks in (late check-ins are recorded)."""
    response = _lock_response(response_id)
    if not perms.can_check_in(actor, response):
        raise NotFoundOrForbidden(gettext("未找到该吹哨记录"))
    if response.checked_in_at is not None:
        raise conflict(gettext("本部门已报到"))
    now = clock.now()
    response.checked_in_at = now
    response.checked_in_by = actor
    response.save(update_fields=["checked_in_at", "checked_in_by"])
    case = response.summons.case
    case_event_write(
        case=case,
        action="check_in",
        at=now,
        actor=actor,
        note=optional_text(note, "note"),
        data={
            "summons": response.summons_id,
            "department": response.department_id,
            "department_name": response.department.name,
            "on_time": now <= response.due_at,
        },
        audit_detail={"number": case.number, "department": response.department_id},
        request=request,
    )
    return response


@transaction.atomic
def summons_rate(
    *, actor, response_id: int, rating: int, note: str = "", request=None
) -> SummonsResponse:
    """The summoning street rates one department's response (1–5 stars)."""
    response = _lock_response(response_id)
    summons = response.summons
    if not perms.can_rate_summons(actor, summons):
        raise NotFoundOrForbidden(gettext("未找到该吹哨记录"))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ApplicationError(gettext("评分应为 1–5 星"), field="rating")
    if response.rating is not None:
        raise conflict(gettext("已评价过该部门的报到"))
    now = clock.now()
    response.rating = rating
    response.rating_note = optional_text(note, "note")
    response.rated_at = now
    response.save(update_fields=["rating", "rating_note", "rated_at"])
    case = summons.case
    case_event_write(
        case=case,
        action="summons_rate",
        at=now,
        actor=actor,
        note=response.rating_note,
        data={
            "summons": summons.pk,
            "department": response.department_id,
            "department_name": response.department.name,
            "rating": rating,
        },
        audit_detail={
            "number": case.number, "department": response.department_id, "rating": rating
        },
        request=request,
    )
    return response
