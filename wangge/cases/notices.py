"""Who hears about what in the closed loop: the cases domain's rules for notices,
registered with the notification centre (``wangge.notifications.registry``).

- timeline events (``CaseEvent`` rows) → the people the next step belongs to: the
  handling unit on dispatch, reopen and rework, the dispatchers on new cases, returns
  and requests, the grid worker and dispatchers when a case is resolved, handlers and
  dispatchers on supervision (督办), the summoned departments on a summons (吹哨), and
  the reporter's account on every step a resident follows;
- texts to a resident who left a phone number (not anonymous, not a private need):
  at acceptance, at resolution and when the rating is wanted (verification passed);
- deadlines: signing and resolution approaching and passed, to the handlers (and, when
  passed, to the dispatchers), once per case, deadline and recipient.

Every recipient must see the case (``case_is_visible_to``); the actor is never told
about their own step.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Role, RoleAssignment
from wangge.cases import permissions as perms
from wangge.cases.events import register_case_event_listener
from wangge.cases.models import Case, CaseEvent, Status
from wangge.cases.selectors import case_is_visible_to
from wangge.cases.tasks import notify_event_later
from wangge.core import clock, crypto
from wangge.notifications.registry import (
    DEADLINE_LOOKBACK,
    Draft,
    register_deadline_source,
    register_event_source,
    register_kinds,
)
from wangge.notifications.services import (
    notices_for_event,
    notices_scan_deadlines,
    notices_scan_events,
)

logger = logging.getLogger(__name__)
SOURCE = "cases"
# Events older than this when first scanned tell nobody anything any more.
EVENT_MAX_AGE = timedelta(hours=24)

KINDS = {
    "new_case": gettext_lazy("待受理"),
    "dispatch": gettext_lazy("派遣"),
    "returned": gettext_lazy("退回"),
    "request": gettext_lazy("待审批"),
    "request_answer": gettext_lazy("审批结果"),
    "to_verify": gettext_lazy("待核查"),
    "rework": gettext_lazy("重新办理"),
    "supervise": gettext_lazy("督办"),
    "summons": gettext_lazy("吹哨报到"),
    "update": gettext_lazy("办理进展"),
    "deadline_soon": gettext_lazy("时限将到"),
    "deadline_passed": gettext_lazy("已超时"),
    "resident_sms": gettext_lazy("居民短信"),
}
register_kinds(KINDS)


# --------------------------------------------------------------------------- recipients


def _holders(condition: Q) -> list:
    rows = (
        RoleAssignment.objects.current()
        .filter(condition, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    seen, users = set(), []
    for row in rows:
        if row.user_id not in seen:
            seen.add(row.user_id)
            users.append(row.user)
    return users


def handlers(case: Case) -> list:
    """The handling unit's people: its department handlers, or the staff placed on the
    area unit itself (not everyone above it, who may act but is not on duty for it)."""
    if case.handler_department_id is not None:
        return _holders(Q(role=Role.DEPARTMENT_HANDLER, department_id=case.handler_department_id))
    if case.handler_area_id is not None:
        return _holders(Q(role__in=perms.AREA_HANDLER_ROLES, area_id=case.handler_area_id))
    return []


def dispatchers(case: Case) -> list:
    if case.dispatcher_area_id is None:
        return []
    return _holders(Q(role__in=perms.DISPATCH_ROLES, area_id=case.dispatcher_area_id))


def grid_workers(case: Case) -> list:
    if case.grid_id is None:
        return []
    return _holders(Q(role=Role.GRID_WORKER, area_id=case.grid_id))


def summoned(event: CaseEvent) -> list:
    departments = [d for d in (event.data or {}).get("departments", []) if isinstance(d, int)]
    if not departments:
        return []
    return _holders(Q(role=Role.DEPARTMENT_HANDLER, department_id__in=departments))


def reporter(case: Case) -> list:
    return [case.reporter] if case.reporter_id and case.reporter.is_active else []


# (kind, title, who) per action; a title is formatted with the case number.
RULES: dict[str, list[tuple[str, str, object]]] = {
    "report": [("new_case", "新案件 {number} 待受理", dispatchers)],
    "escalate": [("new_case", "案件 {number} 已上报本级，待受理", dispatchers)],
    "accept": [("update", "您上报的案件 {number} 已立案", reporter)],
    "reject": [("update", "您上报的案件 {number} 未予立案", reporter)],
    "dispatch": [
        ("dispatch", "案件 {number} 已派遣给您单位，请签收", handlers),
        ("update", "您上报的案件 {number} 已派遣办理", reporter),
    ],
    "return": [("returned", "案件 {number} 被承办单位退回", dispatchers)],
    "extend_request": [("request", "案件 {number} 申请延期", dispatchers)],
    "suspend_request": [("request", "案件 {number} 申请挂账", dispatchers)],
    "extend_approve": [("request_answer", "案件 {number} 延期已批准", handlers)],
    "extend_reject": [("request_answer", "案件 {number} 延期未获批准", handlers)],
    "resolve": [
        ("to_verify", "案件 {number} 已办结，待核查", grid_workers),
        ("to_verify", "案件 {number} 已办结，待核查", dispatchers),
        ("update", "您上报的案件 {number} 已办结", reporter),
    ],
    "supervise": [
        ("supervise", "案件 {number} 被督办", handlers),
        ("supervise", "案件 {number} 被督办", dispatchers),
    ],
    "summon": [("summons", "街道吹哨：请到案件 {number} 报到", summoned)],
    "reopen": [("rework", "案件 {number} 重新办理", handlers)],
    "close": [("update", "您上报的案件 {number} 已结案", reporter)],
}
VERIFY_FAILED = [("rework", "案件 {number} 核查未通过，请重新办理", handlers)]
VERIFY_PASSED = [("update", "您上报的案件 {number} 已核查通过", reporter)]

# Texts to a resident's phone: accepted, resolved, and asked for a rating.
RESIDENT_TEXTS = {
    "accept": "您反映的问题（编号 {number}）已受理，我们将尽快处理。",
    "dispatch": "您反映的问题（编号 {number}）已受理，我们将尽快处理。",
    "resolve": "您反映的问题（编号 {number}）已办结：{result}",
    "verify": "您反映的问题（编号 {number}）已处理完毕，请对办理结果进行评价。",
}


def _resident_text(event: CaseEvent, case: Case) -> list[Draft]:
    action = event.action
    if action == "verify" and not (event.data or {}).get("passed"):
        return []
    if action not in RESIDENT_TEXTS or case.anonymous or case.private:
        return []
    phone = crypto.decrypt(case.reporter_phone_enc)
    if not phone:
        return []
    # One acceptance text: a case dispatched straight away was accepted by the dispatch.
    if action == "dispatch" and event.from_status != Status.REPORTED:
        return []
    text = RESIDENT_TEXTS[action].format(number=case.number, result=(case.result or "")[:60])
    return [
        Draft(
            key=f"case-sms:{case.pk}:{'accept' if action == 'dispatch' else action}:{event.pk}",
            kind="resident_sms",
            title=text,
            link=reverse("cases:track_case", args=[case.token]),
            area_path=case.area_path,
            subject=f"cases.case:{case.pk}",
            phone=phone,
        )
    ]


def event_drafts(event: CaseEvent) -> list[Draft]:
    case = event.case
    rules = RULES.get(event.action, [])
    if event.action == "verify":
        rules = VERIFY_PASSED if (event.data or {}).get("passed") else VERIFY_FAILED
    link = reverse("cases:detail", args=[case.pk])
    drafts: list[Draft] = []
    for kind, title, who in rules:
        people = who(event) if who is summoned else who(case)
        for user in people:
            if user.pk == event.actor_id:
                continue
            drafts.append(
                Draft(
                    key=f"case-event:{event.pk}:{kind}:u{user.pk}",
                    kind=kind,
                    title=title.format(number=case.number),
                    body=(event.note or "")[:200],
                    link=link,
                    area_path=case.area_path,
                    subject=f"cases.case:{case.pk}",
                    recipient=user,
                )
            )
    return drafts + _resident_text(event, case)


def _events():
    return CaseEvent.objects.select_related(
        "case", "case__reporter", "case__dispatcher_area", "case__handler_area"
    )


def events_after(position: int, limit: int) -> list[tuple[int, list[Draft]]]:
    cutoff = clock.now() - EVENT_MAX_AGE
    events = _events().filter(pk__gt=position, at__gte=cutoff).order_by("pk")[:limit]
    return [(event.pk, event_drafts(event)) for event in events]


def drafts_for_event(event_id: int) -> list[Draft]:
    event = _events().filter(pk=event_id).first()
    return event_drafts(event) if event is not None else []


def may_notify(user, draft: Draft) -> bool:
    label, _, pk = draft.subject.partition(":")
    if label != "cases.case" or not pk.isdigit():
        return False
    case = Case.objects.filter(pk=int(pk)).first()
    return case is not None and case_is_visible_to(user, case)


# --------------------------------------------------------------------------- deadlines


def _deadline_drafts(case: Case, which: str, due: datetime, passed: bool) -> list[Draft]:
    kind = "deadline_passed" if passed else "deadline_soon"
    label = "签收" if which == "sign" else "办结"
    local = timezone.localtime(due)
    title = (
        f"案件 {case.number} 已超过{label}时限"
        if passed
        else f"案件 {case.number} {label}时限将到（{local:%m-%d %H:%M}）"
    )
    people = handlers(case) + (dispatchers(case) if passed else [])
    stamp = f"{due:%Y%m%d%H%M}"
    return [
        Draft(
            key=f"case-deadline:{case.pk}:{which}:{'passed' if passed else 'soon'}:{stamp}:u{user.pk}",
            kind=kind,
            title=title,
            link=reverse("cases:detail", args=[case.pk]),
            area_path=case.area_path,
            subject=f"cases.case:{case.pk}",
            recipient=user,
        )
        for user in people
    ]


def deadline_drafts(now: datetime, since: datetime | None = None) -> Iterable[Draft]:
    """Drafts for the open cases whose signing or resolving deadline is within the warning
    time or passed in the look-back. With ``since`` (the previous scan), only the cases
    that can have crossed a line since then: the deadline itself after ``since`` (a
    deadline that was soon is passed now, or one comes into the warning time), or the case
    changed after ``since`` (dispatched to another unit, resumed) — a few cases, not a
    week of them."""
    soon = now + timedelta(minutes=settings.WANGGE_NOTIFY_DEADLINE_WARN_MINUTES)
    floor = now - DEADLINE_LOOKBACK
    waiting_sign = Case.objects.filter(
        status=Status.DISPATCHED,
        signed_at__isnull=True,
        paused_at__isnull=True,
        sign_due_at__gt=floor,
        sign_due_at__lte=soon,
    )
    open_work = Case.objects.filter(
        status__in=[Status.DISPATCHED, Status.IN_PROGRESS],
        paused_at__isnull=True,
        resolve_due_at__gt=floor,
        resolve_due_at__lte=soon,
    )
    if since is not None and since > floor:
        waiting_sign = waiting_sign.filter(Q(sign_due_at__gt=since) | Q(updated_at__gt=since))
        open_work = open_work.filter(Q(resolve_due_at__gt=since) | Q(updated_at__gt=since))
    for case in waiting_sign.order_by("pk")[:2000]:
        yield from _deadline_drafts(case, "sign", case.sign_due_at, case.sign_due_at <= now)
    for case in open_work.order_by("pk")[:2000]:
        yield from _deadline_drafts(
            case, "resolve", case.resolve_due_at, case.resolve_due_at <= now
        )


register_event_source(
    SOURCE, events_after=events_after, drafts_for_event=drafts_for_event, may_notify=may_notify
)
register_deadline_source(SOURCE, drafts=deadline_drafts, may_notify=may_notify, windowed=True)


# --------------------------------------------------------------------------- entry points


def notices_from_case_events() -> int:
    """Scan the timeline after the cursor (Celery beat runs every source's scan)."""
    return notices_scan_events()


def notices_for_deadlines(*, now: datetime | None = None) -> int:
    return notices_scan_deadlines(now=now)


def case_event_notify(event_id) -> int:
    """The listener the cases app calls on commit of a timeline event (an id or the
    row): its notices now rather than at the next scan; the keys keep the later scan
    from writing them again. Never fails the caller: what goes wrong here is logged
    and the scan catches up."""
    event_id = getattr(event_id, "pk", event_id)
    try:
        return notices_for_event(source=SOURCE, event_id=int(event_id))
    except Exception:
        logger.exception("notices for case event %s failed; the scan will retry", event_id)
        return 0


# Notices go out as soon as the event is committed (queued for a worker: the request itself
# runs no query for them); the periodic scan is the safety net.
register_case_event_listener(notify_event_later)
