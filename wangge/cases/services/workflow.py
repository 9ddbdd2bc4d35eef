"""The workflow's writer: ``case_transition`` performs any action of ``actions.ACTIONS``.

Each action's step (below, registered with ``@step``) changes the case's fields and says
what goes on the timeline; ``case_transition`` does the rest from the specification:
lock, visibility, version, permission, source status, target status, event and audit.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from wangge.accounts.models import Department
from wangge.areas.reference import area_at_depth
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.cases import permissions as perms
from wangge.cases.actions import ACTION_ALIASES, ACTION_BY_NAME, ACTIONS, Action, action_get
from wangge.cases.events import case_event_write
from wangge.cases.models import Case, Evaluation, Satisfaction, Status
from wangge.cases.services.common import (
    area_from,
    case_lock,
    conflict,
    department_from,
    optional_text,
    required_text,
)
from wangge.cases.services.photos import photos_check, photos_store
from wangge.cases.services.routing import case_route, deadlines_set, sla_for
from wangge.core import clock
from wangge.core.calendar import DAY_MINUTES, add_working_minutes, working_minutes_between
from wangge.core.errors import ApplicationError, PermissionRefused


@dataclass
class _Step:
    """What an action's step gives back for the timeline."""

    note: str = ""
    data: dict | None = None
    photos: list | None = None
    photo_kind: str = "result"


StepFn = Callable[..., _Step]
STEPS: dict[str, StepFn] = {}


def step(name: str) -> Callable[[StepFn], StepFn]:
    """Register the step of action ``name``; its keyword parameters must be exactly the
    ones the specification lists for the action."""
    action = ACTION_BY_NAME[name]

    def register(fn: StepFn) -> StepFn:
        takes = frozenset(inspect.signature(fn).parameters) - {"actor", "case", "now"}
        if takes != action.params:
            raise TypeError(f"step {name} takes {sorted(takes)}, ACTIONS lists {sorted(action.params)}")
        STEPS[name] = fn
        return fn

    return register


def case_reopen_fields(case: Case, now: datetime) -> None:
    """Back to the same handler with fresh deadlines (the case is not saved)."""
    case.status = Status.DISPATCHED
    case.reopen_count += 1
    case.signed_at = case.resolved_at = case.verified_at = case.closed_at = None
    deadlines_set(case, now)


@step("accept")
def _do_accept(actor, case, now, *, note: str = "") -> _Step:
    case.accepted_at = now
    return _Step(optional_text(note, "note"))


@step("reject")
def _do_reject(actor, case, now, *, reason: str = "") -> _Step:
    return _Step(required_text(reason, "reason", gettext("请填写作废原因")))


@step("dispatch")
def _do_dispatch(
    actor, case, now, *, handler_department=None, handler_area=None, note: str = ""
) -> _Step:
    department = department_from(handler_department)
    area = area_from(handler_area)
    if department is not None and area is not None:
        raise ApplicationError(gettext("承办单位只能选一个：部门或区域"), field="handler_department")
    routed = case_route(category=case.category, area_path=case.area_path)
    if department is None and area is None:
        if routed is None:
            raise ApplicationError(
                gettext("分派规则未覆盖该类别，请选择承办单位"), field="handler_department"
            )
        if isinstance(routed, Department):
            department = routed
        else:
            area = routed
    if not perms.can_dispatch_to(actor, case, department=department, area=area, routed=routed):
        raise PermissionRefused(gettext("不能派遣给该单位"))
    # A case sent where no account could sign it would wait unseen until it is overdue.
    if not perms.unit_has_handlers(department=department, area=area):
        unit = department or area
        raise ApplicationError(
            gettext("{unit}目前没有承办人员，不能派遣，请选择其他承办单位").format(unit=unit.name),
            field="handler_department" if department is not None else "handler_area",
        )
    case.handler_department = department
    case.handler_area = area
    case.accepted_at = case.accepted_at or now
    case.dispatched_at = now
    case.signed_at = None
    case.pending_request, case.pending_request_data = "", {}
    deadlines_set(case, now)
    unit = department or area
    return _Step(
        optional_text(note, "note"),
        {
            "handler_department": department.pk if department else None,
            "handler_area": area.pk if area else None,
            "handler_name": unit.name,
            "routed": routed is not None and unit == routed,
        },
    )


@step("sign")
def _do_sign(actor, case, now, *, note: str = "") -> _Step:
    case.signed_at = now
    return _Step(optional_text(note, "note"))


@step("resolve")
def _do_resolve(actor, case, now, *, result: str = "", photos=()) -> _Step:
    case.result = required_text(result, "result", gettext("请填写处置结果"))
    case.resolved_at = now
    return _Step(case.result, photos=photos_check(photos))


@step("return")
def _do_return(actor, case, now, *, reason: str = "") -> _Step:
    reason = required_text(reason, "reason", gettext("请填写退回原因"))
    data = {"handler_department": case.handler_department_id, "handler_area": case.handler_area_id}
    case.return_count += 1
    # Time spent back with the dispatcher does not count: a redispatch starts a new clock.
    case.sign_due_at = case.resolve_due_at = None
    case.pending_request, case.pending_request_data = "", {}
    return _Step(reason, data)


def _no_pending(case) -> None:
    if case.pending_request:
        raise ApplicationError(gettext("已有待审批的申请"), code="conflict")


@step("extend_request")
def _do_extend_request(actor, case, now, *, days: int | None = None, reason: str = "") -> _Step:
    _no_pending(case)
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ApplicationError(gettext("延期天数应为 1–60 个工作日"), field="days")
    reason = required_text(reason, "reason", gettext("请填写延期理由"))
    case.pending_request = "extension"
    case.pending_request_data = {"days": days, "reason": reason, "by": actor.pk}
    return _Step(reason, {"days": days})


@step("extend_approve")
def _do_extend_approve(actor, case, now, *, days: int | None = None, note: str = "") -> _Step:
    if case.pending_request == "extension" and days is None:
        days = case.pending_request_data.get("days")
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ApplicationError(gettext("延期天数应为 1–60 个工作日"), field="days")
    base = case.resolve_due_at or now
    case.resolve_due_at = add_working_minutes(base, days * DAY_MINUTES)
    case.pending_request, case.pending_request_data = "", {}
    return _Step(
        optional_text(note, "note"),
        {"days": days, "resolve_due_at": case.resolve_due_at.isoformat()},
    )


@step("extend_reject")
def _do_extend_reject(actor, case, now, *, note: str = "") -> _Step:
    if case.pending_request != "extension":
        raise ApplicationError(gettext("没有待审批的延期申请"), code="conflict")
    case.pending_request, case.pending_request_data = "", {}
    return _Step(optional_text(note, "note"))


@step("suspend_request")
def _do_suspend_request(actor, case, now, *, reason: str = "") -> _Step:
    _no_pending(case)
    reason = required_text(reason, "reason", gettext("请填写挂账理由"))
    case.pending_request = "suspension"
    case.pending_request_data = {"reason": reason, "by": actor.pk}
    return _Step(reason)


@step("suspend")
def _do_suspend(actor, case, now, *, reason: str = "") -> _Step:
    if not reason and case.pending_request == "suspension":
        reason = case.pending_request_data.get("reason", "")
    reason = required_text(reason, "reason", gettext("请填写挂账理由"))
    case.paused_at = now
    case.paused_status = case.status
    case.pending_request, case.pending_request_data = "", {}
    return _Step(reason)


def _shift(due: datetime | None, paused_at: datetime, now: datetime, working: bool):
    """Push a deadline back by the time the case spent suspended."""
    if due is None:
        return None
    if working:
        return add_working_minutes(due, working_minutes_between(paused_at, now))
    return due + (now - paused_at)


@step("resume")
def _do_resume(actor, case, now, *, note: str = "") -> _Step:
    _, _, working = sla_for(category=case.category, priority=case.priority)
    paused_at = case.paused_at or now
    if case.signed_at is None:
        case.sign_due_at = _shift(case.sign_due_at, paused_at, now, working)
    case.resolve_due_at = _shift(case.resolve_due_at, paused_at, now, working)
    case.status = case.paused_status or Status.IN_PROGRESS
    data = {"paused_minutes": int((now - paused_at).total_seconds() // 60)}
    case.paused_at, case.paused_status = None, ""
    return _Step(optional_text(note, "note"), data)


@step("verify")
def _do_verify(actor, case, now, *, passed: bool | None = None, note: str = "") -> _Step:
    if not isinstance(passed, bool):
        raise ApplicationError(gettext("请选择核查是否通过"), field="passed")
    if passed:
        case.status = Status.VERIFIED
        case.verified_at = now
        return _Step(optional_text(note, "note"), {"passed": True})
    note = required_text(note, "note", gettext("核查不通过时请说明原因"))
    case.status = Status.IN_PROGRESS
    case.rework_count += 1
    case.resolved_at = None
    return _Step(note, {"passed": False})


@step("close")
def _do_close(actor, case, now, *, note: str = "") -> _Step:
    case.closed_at = now
    return _Step(optional_text(note, "note"))


@step("escalate")
def _do_escalate(actor, case, now, *, reason: str = "") -> _Step:
    reason = required_text(reason, "reason", gettext("请填写上报原因"))
    current = case.dispatcher_area
    if current is None or current.depth <= 3:
        raise ApplicationError(gettext("已在街道层级，不能再上报"), code="conflict")
    parent = area_at_depth(current.path, current.depth - 1)
    case.dispatcher_area = parent
    case.accepted_at = case.accepted_at or now
    return _Step(
        reason, {"from_area": current.pk, "to_area": parent.pk, "to_area_name": parent.name}
    )


@step("supervise")
def _do_supervise(actor, case, now, *, note: str = "") -> _Step:
    case.supervision_count += 1
    return _Step(required_text(note, "note", gettext("请填写督办意见")))


@step("reopen")
def _do_reopen(actor, case, now, *, reason: str = "") -> _Step:
    reason = required_text(reason, "reason", gettext("请填写重新办理的原因"))
    case_reopen_fields(case, now)
    return _Step(reason)


if set(STEPS) != set(ACTION_BY_NAME):
    raise TypeError(f"actions without a step: {sorted(set(ACTION_BY_NAME) - set(STEPS))}")

# The names earlier code imported from ``services``, read from the one table.
Transition = Action
TRANSITIONS: dict[str, Action] = dict(ACTION_BY_NAME)
ACTION_HANDLERS: dict[str, StepFn] = STEPS
ACTION_PREDICATES_WITH_STATUS = {a.name: (a.sources, a.allowed) for a in ACTIONS}


def action_params(action: str) -> frozenset[str]:
    """The keyword parameters an action takes (for forms and API schemas)."""
    return ACTION_BY_NAME[ACTION_ALIASES.get(action, action)].params


def case_transition(
    *,
    actor,
    case_id: int,
    action: str,
    expected_version: int | None = None,
    request=None,
    **params,
) -> Case:
    """Perform one workflow action on a case, or change nothing at all.

    Locks the row, checks visibility (404), the expected version (409 "conflict"), the
    actor's permission (403) and the current status (409), then saves, writes the
    timeline event and the audit row and recomputes deadlines — one transaction.
    """
    spec = action_get(action)
    if spec is None:
        raise ApplicationError(gettext("未知的案件操作"), field="action")
    unknown = set(params) - spec.params
    if unknown:
        raise ApplicationError(
            gettext("该操作不接受参数：{names}").format(names=", ".join(sorted(unknown))), field=sorted(unknown)[0]
        )
    try:
        return _perform_transition(
            actor=actor, case_id=case_id, spec=spec,
            expected_version=expected_version, request=request, params=params,
        )
    except PermissionRefused:
        # Audited after the rollback so the denial's row survives; the case is unchanged.
        audit_record(
            action=f"case_{spec.name}", outcome=Outcome.DENIED, actor=actor, request=request,
            object_type="cases.case", object_id=case_id,
        )
        raise


def _perform_transition(*, actor, case_id, spec: Action, expected_version, request, params):
    with transaction.atomic():
        case = case_lock(actor, case_id)
        if expected_version is not None and expected_version != case.version:
            raise conflict(
                gettext("案件已被他人更新（当前状态：{status}），请刷新后重试").format(
                    status=Status(case.status).label)
            )
        if not spec.allowed(actor, case):
            raise PermissionRefused()
        if case.status not in spec.sources:
            raise conflict(gettext("案件当前状态为“{status}”，不能{action}").format(
                status=Status(case.status).label, action=spec.label))
        now = clock.now()
        before = case.status
        done = STEPS[spec.name](actor, case, now, **params)
        if spec.target is not None:
            case.status = spec.target
        case.version += 1
        case.updated_at = now
        case.save()
        event = case_event_write(
            case=case,
            action=spec.name,
            at=now,
            actor=actor,
            from_status=before,
            note=done.note,
            data=done.data,
            request=request,
        )
        if done.photos:
            photos_store(
                case=case, checked=done.photos, kind=done.photo_kind, actor=actor, event=event
            )
        if spec.name == "verify" and case.status == Status.VERIFIED:
            case_close_if_reporter_satisfied(case, now)
    return case


def round_evaluation(case: Case) -> Evaluation | None:
    """The reporter's rating of the current resolution, if any."""
    if case.resolved_at is None:
        return None
    return case.evaluations.filter(at__gte=case.resolved_at).order_by("-at", "-id").first()


def case_system_event(
    case: Case, now: datetime, action: str, before: str, note: str, data: dict | None = None
) -> None:
    """A change nobody made by hand (an automatic close or reopen), on the timeline."""
    case_event_write(case=case, action=action, at=now, from_status=before, note=note, data=data)


def case_close_if_reporter_satisfied(case: Case, now: datetime) -> None:
    evaluation = round_evaluation(case)
    if evaluation is None or evaluation.rating == Satisfaction.UNSATISFIED:
        return
    case.status = Status.CLOSED
    case.closed_at = now
    case.version += 1
    case.save(update_fields=["status", "closed_at", "version", "updated_at"])
    case_system_event(case, now, "close", Status.VERIFIED, gettext("回访满意，自动结案"))
