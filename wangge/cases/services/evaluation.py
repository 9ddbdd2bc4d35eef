"""The reporter's verdict, and the close after the follow-up window."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from wangge.cases.events import case_event_write
from wangge.cases.models import RESOLVED_STATUSES, Case, Evaluation, Satisfaction, Status
from wangge.cases.services.common import (
    conflict,
    followup_window,
    is_token_shaped,
    optional_text,
)
from wangge.cases.services.workflow import (
    case_close_if_reporter_satisfied,
    case_reopen_fields,
    case_system_event,
    round_evaluation,
)
from wangge.core import clock
from wangge.core.dbfaults import brief_lock_wait
from wangge.core.errors import ApplicationError, NotFoundOrForbidden


@transaction.atomic
def case_evaluate(*, token: str, rating: str, comment: str = "", request=None) -> Case:
    """The reporter's verdict from the tracking page (the token is their credential).

    Satisfied or basically satisfied closes a verified case; unsatisfied within the
    follow-up window sends it back to the same handler with fresh deadlines.
    """
    if rating not in Satisfaction.values:
        raise ApplicationError(gettext("请选择满意、基本满意或不满意"), field="rating")
    comment = optional_text(comment, "comment")
    case = None
    # A visit's need has no reporter holding the token: like the tracking page, none.
    if is_token_shaped(token):
        with brief_lock_wait(settings.WANGGE_CASE_LOCK_WAIT_MS):
            case = Case.objects.select_for_update().filter(token=token, private=False).first()
    if case is None:
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    if case.status not in RESOLVED_STATUSES or case.resolved_at is None:
        raise conflict(gettext("案件尚未办结，暂不能评价"))
    now = clock.now()
    if now > case.resolved_at + followup_window():
        raise conflict(gettext("已超过评价期限"))
    if round_evaluation(case) is not None:
        raise conflict(gettext("您已评价过本次办理结果"))
    Evaluation.objects.create(case=case, rating=rating, comment=comment, at=now)
    before = case.status
    case_event_write(
        case=case,
        action="evaluate",
        at=now,
        note=comment,
        data={"rating": rating},
        audit_detail={"number": case.number, "rating": rating},
        request=request,
    )
    if rating == Satisfaction.UNSATISFIED:
        case_reopen_fields(case, now)
        case.version += 1
        case.updated_at = now
        case.save()
        case_system_event(case, now, "reopen", before, gettext("群众不满意，重新办理"))
    elif case.status == Status.VERIFIED:
        case_close_if_reporter_satisfied(case, now)
    return case


@transaction.atomic
def cases_close_after_followup(*, now: datetime | None = None) -> int:
    """Close verified cases whose follow-up window has ended without a complaint."""
    now = now or clock.now()
    ids = list(
        Case.objects.filter(
            status=Status.VERIFIED, resolved_at__lt=now - followup_window()
        ).values_list("pk", flat=True)[:1000]
    )
    closed = 0
    for case in Case.objects.select_for_update().filter(pk__in=ids, status=Status.VERIFIED):
        case.status = Status.CLOSED
        case.closed_at = now
        case.version += 1
        case.updated_at = now
        case.save(update_fields=["status", "closed_at", "version", "updated_at"])
        case_system_event(case, now, "close", Status.VERIFIED, gettext("回访期满，自动结案"))
        closed += 1
    return closed
