"""The closed loop's JSON API (mounted at /api/cases).

Thin endpoints: parse, call one selector or service, shape the answer. Every POST that
creates or changes something accepts an ``Idempotency-Key``; a replay returns the first
answer. Conflicts answer 409, out-of-scope cases 404. Reporter contact is shaped by
``case_reporter_contact``: departments never see it, anonymous reports show "匿名".
"""

from datetime import datetime
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from ninja import File, Form, Router, Schema
from ninja import Status as Answer  # the case model has its own Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from wangge.api.responses import prevalidated_response
from wangge.areas.models import Area
from wangge.cases import permissions as perms
from wangge.cases.calendar import calendar_status
from wangge.cases.kpi import GROUPINGS, kpi_table
from wangge.cases.models import (
    Case,
    CaseEvent,
    Priority,
    Satisfaction,
    Source,
    Status,
    SummonsResponse,
)
from wangge.cases.open311.public import case_is_public, public_text
from wangge.cases.selectors import (
    BOXES,
    case_allowed_actions,
    case_box_counts,
    case_get_by_token,
    case_get_for_user,
    case_list_visible_to,
    case_public_timeline,
    case_reporter_contact,
    case_shows_staff_names_to,
    category_tree,
)
from wangge.cases.services import (
    RESOLVED_STATUSES,
    case_attachment_add,
    case_evaluate,
    case_report,
    case_transition,
    followup_window,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.idempotency import idempotent_call
from wangge.core.inputs import Pages, SafeDate

API_PREFIX = "/cases"
router = Router(tags=["案件"])

Text = Field(default="", max_length=2000)
Reason = Field(min_length=1, max_length=2000)


# --------------------------------------------------------------------------- schemas


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    depth: int
    parent_code: str | None
    default_priority: str


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    category_id: int
    category_name: str
    priority: str
    source: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    grid_id: int | None
    handler_department_id: int | None
    handler_area_id: int | None
    handler_name: str
    created_at: datetime
    dispatched_at: datetime | None
    sign_due_at: datetime | None
    resolve_due_at: datetime | None
    is_overdue: bool
    is_due_soon: bool
    version: int

    @staticmethod
    def resolve_status_label(obj: Case | dict) -> str:
        return obj["status_label"] if isinstance(obj, dict) else Status(obj.status).label

    @staticmethod
    def resolve_category_name(obj: Case | dict) -> str:
        return obj["category_name"] if isinstance(obj, dict) else obj.category.name

    @staticmethod
    def resolve_handler_name(obj: Case | dict) -> str:
        if isinstance(obj, dict):
            return obj["handler_name"]
        unit = obj.handler_department or obj.handler_area
        return unit.name if unit is not None else ""

    @staticmethod
    def resolve_is_overdue(obj: Case | dict) -> bool:
        if isinstance(obj, dict):
            return obj["is_overdue"]
        return bool(getattr(obj, "is_overdue", False))

    @staticmethod
    def resolve_is_due_soon(obj: Case | dict) -> bool:
        if isinstance(obj, dict):
            return obj["is_due_soon"]
        return bool(getattr(obj, "is_due_soon", False))


class EventOut(Schema):
    at: datetime
    action: str
    from_status: str
    to_status: str
    actor_name: str
    note: str
    data: dict


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int


class SummonsResponseOut(Schema):
    id: int
    summons_id: int
    department_id: int
    department_name: str
    urgent: bool
    issued_at: datetime
    due_at: datetime
    checked_in_at: datetime | None
    rating: int | None
    rating_note: str


class ReporterOut(Schema):
    name: str
    phone: str


class CaseDetailOut(CaseOut):
    anonymous: bool
    reporter: ReporterOut
    result: str
    pending_request: str
    rework_count: int
    return_count: int
    reopen_count: int
    supervision_count: int
    allowed_actions: list[str]
    events: list[EventOut]
    attachments: list[AttachmentOut]
    summons: list[SummonsResponseOut]


class CaseReportIn(Schema):
    category_id: int
    description: str = Field(min_length=1, max_length=2000)
    priority: Literal["urgent", "high", "normal", "complex"] | None = None
    source: Literal["resident", "grid_worker", "hotline", "meeting", "department"] | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    coord_system: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    address: str = Field(default="", max_length=200)
    grid_id: int | None = None
    anonymous: bool = False
    reporter_name: str = Field(default="", max_length=50)
    reporter_phone: str = Field(default="", max_length=30)


class TrackOut(Schema):
    number: str
    status: str
    status_label: str
    category_name: str
    created_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    result: str
    can_evaluate: bool
    timeline: list[dict]


class EvaluateIn(Schema):
    rating: Literal["satisfied", "basic", "unsatisfied"]
    comment: str = Field(default="", max_length=2000)


class SummonsIn(Schema):
    department_ids: list[int] = Field(min_length=1, max_length=20)
    urgent: bool = False
    reason: str = Field(default="", max_length=2000)


class CheckInIn(Schema):
    note: str = Field(default="", max_length=2000)


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    note: str = Field(default="", max_length=2000)


class KpiRowOut(Schema):
    key: str | int | None
    name: str
    dispatched: int
    resolved: int
    rated: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    return_rate: float | None
    composite: float | None


class CalendarYearOut(Schema):
    year: int
    has_data: bool
    message: str


# One body schema per workflow action; ``expected_version`` guards against lost updates.
class _ActionIn(Schema):
    expected_version: int | None = None


class NoteIn(_ActionIn):
    note: str = Text


class ReasonIn(_ActionIn):
    reason: str = Reason


class DispatchIn(_ActionIn):
    handler_department: int | None = None
    handler_area: int | None = None
    note: str = Text


class ResolveIn(_ActionIn):
    result: str = Reason


class ExtendRequestIn(_ActionIn):
    days: int = Field(ge=1, le=60)
    reason: str = Reason


class ExtendApproveIn(_ActionIn):
    days: int | None = Field(default=None, ge=1, le=60)
    note: str = Text


class SuspendIn(_ActionIn):
    reason: str = Text


class VerifyIn(_ActionIn):
    passed: bool
    note: str = Text


class SuperviseIn(_ActionIn):
    note: str = Reason


# (action, URL segment, body schema, summary)
ACTION_ENDPOINTS = [
    ("accept", "accept", NoteIn, "立案"),
    ("reject", "reject", ReasonIn, "作废（需说明原因）"),
    ("dispatch", "dispatch", DispatchIn, "派遣（不指定单位则按分派规则）"),
    ("sign", "sign", NoteIn, "签收"),
    ("resolve", "resolve", ResolveIn, "办结（处置照片先上传到 attachments）"),
    ("return", "return", ReasonIn, "退回"),
    ("extend_request", "extend-request", ExtendRequestIn, "申请延期"),
    ("extend_approve", "extend-approve", ExtendApproveIn, "批准延期"),
    ("extend_reject", "extend-reject", NoteIn, "驳回延期申请"),
    ("suspend_request", "suspend-request", ReasonIn, "申请挂账"),
    ("suspend", "suspend", SuspendIn, "挂账（批准）"),
    ("resume", "resume", NoteIn, "恢复办理"),
    ("verify", "verify", VerifyIn, "核查"),
    ("close", "close", NoteIn, "结案"),
    ("escalate", "escalate", ReasonIn, "上报上级"),
    ("supervise", "supervise", SuperviseIn, "督办"),
    ("reopen", "reopen", ReasonIn, "重新办理"),
]


# --------------------------------------------------------------------------- shaping


def _summons_rows(case: Case) -> list[dict]:
    return [
        {
            "id": r.pk,
            "summons_id": summons.pk,
            "department_id": r.department_id,
            "department_name": r.department.name,
            "urgent": summons.urgent,
            "issued_at": summons.issued_at,
            "due_at": r.due_at,
            "checked_in_at": r.checked_in_at,
            "rating": r.rating,
            "rating_note": r.rating_note,
        }
        for summons in sorted(case.summonses.all(), key=lambda s: (s.issued_at, s.pk))
        for r in sorted(summons.responses.all(), key=lambda r: r.pk)
    ]


SUMMONS_PREFETCH = Prefetch(
    "summonses__responses", queryset=SummonsResponse.objects.select_related("department")
)


def case_detail(user, case_id: int) -> dict:
    """The detail answer as plain JSON (stored as is for idempotent replays)."""
    case = case_get_for_user(user=user, case_id=case_id)
    prefetch_related_objects(
        [case],
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        "attachments",
        SUMMONS_PREFETCH,
    )
    body = CaseOut.from_orm(case).model_dump(mode="json")
    reporter = case_reporter_contact(user=user, case=case)
    # The reporter's own account name would unmask an anonymous or hidden reporter.
    hide_reporter = case.anonymous or not reporter["name"]
    staff_names = case_shows_staff_names_to(user, case)
    events = [
        {
            "at": e.at,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor_name": (
                ""
                if not e.actor_id
                else "上报人"
                if hide_reporter and e.actor_id == case.reporter_id and e.actor_id != user.pk
                else str(e.actor)
                if staff_names or e.actor_id == case.reporter_id
                else ""
            ),
            "note": e.note,
            "data": e.data,
        }
        for e in sorted(case.events.all(), key=lambda e: (e.at, e.pk))
    ]
    body.update(
        anonymous=case.anonymous,
        reporter=reporter,
        result=case.result,
        pending_request=case.pending_request,
        rework_count=case.rework_count,
        return_count=case.return_count,
        reopen_count=case.reopen_count,
        supervision_count=case.supervision_count,
        allowed_actions=case_allowed_actions(user=user, case=case),
        events=events,
        attachments=[
            {"id": a.pk, "kind": a.kind, "content_type": a.content_type, "size": a.size}
            for a in sorted(case.attachments.all(), key=lambda a: a.pk)
        ],
        summons=_summons_rows(case),
    )
    return CaseDetailOut.model_validate(body).model_dump(mode="json")


# --------------------------------------------------------------------------- reading


@router.get("/categories", response=list[CategoryOut], summary="事件类别")
def categories(request):
    rows = list(category_tree())
    by_path = {c.path: c.code for c in rows}
    return [
        {
            "id": c.id,
            "code": c.code,
            "name": c.name,
            "depth": c.depth,
            "parent_code": by_path.get(c.path[: -c.steplen]) if c.depth > 1 else None,
            "default_priority": c.default_priority,
        }
        for c in rows
    ]


@router.get("", response=list[CaseOut], summary="案件列表（按范围过滤，可选工作箱）")
@paginate(Pages, page_size=20)
def case_list(
    request,
    box: Literal[BOXES] | None = None,  # type: ignore[valid-type]
    status: Literal[tuple(Status.values)] | None = None,  # type: ignore[valid-type]
    category: int | None = None,
    priority: Literal[tuple(Priority.values)] | None = None,  # type: ignore[valid-type]
    q: str = "",
    handler_department: int | None = None,
):
    return case_list_visible_to(
        user=request.user,
        box=box,
        status=status or "",
        category=category,
        priority=priority or "",
        q=q,
        handler_department=handler_department,
    )


@router.get("/boxes", response=dict[str, int], summary="各工作箱案件数")
def boxes(request):
    return case_box_counts(user=request.user)


@router.get("/kpi", response=list[KpiRowOut], summary="问效考核表")
def kpi(
    request,
    period_start: SafeDate,
    period_end: SafeDate,
    group_by: Literal[GROUPINGS] = "department",  # type: ignore[valid-type]
):
    if not (perms.can_read_kpi(request.user) or perms.user_department_ids(request.user)):
        raise PermissionRefused()
    if period_end < period_start or (period_end - period_start).days > 366:
        raise HttpError(400, "统计周期无效（结束不能早于开始，且不超过一年）")
    return kpi_table(
        user=request.user, period_start=period_start, period_end=period_end, group_by=group_by
    )


@router.get("/calendar-status", response=list[CalendarYearOut], summary="节假日安排录入情况")
def calendar_status_endpoint(request):
    return calendar_status()


@router.get("/track/{token}", response=TrackOut, auth=None, summary="凭查询码查看办理进度（公开）")
def track(request, token: str):
    case = case_get_by_token(token=token)
    can_evaluate = (
        case.status in RESOLVED_STATUSES
        and case.resolved_at is not None
        and clock.now() <= case.resolved_at + followup_window()
        and not case.evaluations.filter(at__gte=case.resolved_at).exists()
    )
    shown = case_is_public(case)  # a non-public category's matter and answer stay out
    return {
        "number": case.number,
        "status": case.status,
        "status_label": Status(case.status).label,
        "category_name": case.category.name if shown else "个人事项",
        "created_at": case.created_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "result": public_text(case.result) if shown else "",
        "can_evaluate": can_evaluate,
        "timeline": [
            {**row, "at": row["at"].isoformat()} for row in case_public_timeline(case=case)
        ],
    }


@router.post(
    "/track/{token}/evaluate",
    response=TrackOut,
    auth=None,
    summary="群众评价办理结果（不满意将重新办理）",
)
def evaluate(request, token: str, payload: EvaluateIn):
    case_evaluate(
        token=token, rating=Satisfaction(payload.rating), comment=payload.comment, request=request
    )
    return track(request, token)


@router.get("/{case_id}", response=CaseDetailOut, summary="案件详情与时间线")
def case_get(request, case_id: int):
    return case_detail(request.user, case_id)


@router.get("/{case_id}/attachments/{attachment_id}", summary="下载案件照片")
def attachment_get(request, case_id: int, attachment_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundOrForbidden("未找到该照片")
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)


# --------------------------------------------------------------------------- writing


@router.post(
    "",
    response={201: CaseOut},
    summary="上报案件（支持 Idempotency-Key）",
    description="答复是案件本身（与列表中的一项相同）；时间线等详情用 GET /api/cases/{id}。",
)
def case_create(request, payload: CaseReportIn):
    source = payload.source or Source.RESIDENT
    grid = payload.grid_id
    if not perms.has_any_role(request.user, perms.REPORT_STAFF_ROLES):
        source = Source.RESIDENT  # residents cannot pose as a grid worker or the hotline
    else:
        if not perms.can_report_as(request.user, source):
            raise ApplicationError("您的角色不能以该来源上报", field="source")
        if grid is not None:
            # Out of scope answers like a grid that does not exist.
            grid = Area.objects.filter(pk=grid).first()
            if grid is None or not perms.can_report_into(request.user, grid):
                raise ApplicationError("未找到该网格", field="grid_id")

    def perform():
        case = case_report(
            actor=request.user,
            category=payload.category_id,
            description=payload.description,
            source=source,
            priority=payload.priority,
            lat=payload.lat,
            lng=payload.lng,
            coord_system=payload.coord_system,
            address=payload.address,
            grid=grid,
            anonymous=payload.anonymous,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            request=request,
        )
        # A receipt, small for a phone on a poor line and for the idempotency record.
        return 201, CaseOut.from_orm(case).model_dump(mode="json")

    answer = idempotent_call(
        request=request,
        scope="case_report",
        payload=payload.dict(),
        perform=perform,
        check_first=False,
        single_statement=True,
    )
    return prevalidated_response(request, answer)


@router.post(
    "/{case_id}/attachments",
    response={201: AttachmentOut},
    summary="上传照片（JPEG/PNG/WebP，解码校验，去除元数据后存储）",
)
def attachment_add(
    request, case_id: int, kind: Form[Literal["report", "result"]], file: File[UploadedFile]
):
    try:
        attachment = case_attachment_add(
            actor=request.user, case_id=case_id, kind=kind, photo=file, request=request
        )
    except ApplicationError as exc:
        if exc.field == "photos":
            exc.field = "file"  # the parameter the client sent
        raise
    return Answer(201, attachment)


def _perform_action(request, case_id: int, action: str, payload: _ActionIn):
    params = payload.dict()
    expected_version = params.pop("expected_version", None)
    params = {k: v for k, v in params.items() if v is not None}

    def perform():
        case_transition(
            actor=request.user,
            case_id=case_id,
            action=action,
            expected_version=expected_version,
            request=request,
            **params,
        )
        return 200, case_detail(request.user, case_id)

    answer = idempotent_call(
        request=request, scope=f"case:{case_id}:{action}", payload=payload.dict(), perform=perform
    )
    return prevalidated_response(request, answer)


def _register_action(action: str, segment: str, schema: type[Schema], summary: str) -> None:
    def endpoint(request, case_id: int, payload: schema):  # type: ignore[valid-type]
        return _perform_action(request, case_id, action, payload)

    endpoint.__name__ = f"case_{action}"
    router.post(
        f"/{{case_id}}/{segment}",
        response={200: CaseDetailOut},
        summary=summary,
        operation_id=f"case_{action}",
        url_name=f"case_{action}",
    )(endpoint)


for _action, _segment, _schema, _summary in ACTION_ENDPOINTS:
    _register_action(_action, _segment, _schema, _summary)


@router.post(
    "/{case_id}/summons", response={201: list[SummonsResponseOut]}, summary="吹哨：召集部门报到"
)
def summons_create(request, case_id: int, payload: SummonsIn):
    def perform():
        summons_issue(
            actor=request.user,
            case_id=case_id,
            departments=payload.department_ids,
            urgent=payload.urgent,
            reason=payload.reason,
            request=request,
        )
        case = case_get_for_user(user=request.user, case_id=case_id)
        prefetch_related_objects([case], SUMMONS_PREFETCH)
        rows = [
            SummonsResponseOut.model_validate(r).model_dump(mode="json")
            for r in _summons_rows(case)
        ]
        return 201, rows

    return Answer(
        *idempotent_call(
            request=request, scope=f"summons:{case_id}", payload=payload.dict(), perform=perform
        )
    )


def _response_row(response) -> dict:
    summons = response.summons
    row = {
        "id": response.pk,
        "summons_id": summons.pk,
        "department_id": response.department_id,
        "department_name": response.department.name,
        "urgent": summons.urgent,
        "issued_at": summons.issued_at,
        "due_at": response.due_at,
        "checked_in_at": response.checked_in_at,
        "rating": response.rating,
        "rating_note": response.rating_note,
    }
    return SummonsResponseOut.model_validate(row).model_dump(mode="json")


@router.post("/summons/{response_id}/check-in", response=SummonsResponseOut, summary="部门报到")
def summons_check_in_endpoint(request, response_id: int, payload: CheckInIn):
    def perform():
        response = summons_check_in(
            actor=request.user, response_id=response_id, note=payload.note, request=request
        )
        return 200, _response_row(response)

    return idempotent_call(
        request=request, scope=f"check_in:{response_id}", payload=payload.dict(), perform=perform
    )[1]


@router.post(
    "/summons/{response_id}/rate", response=SummonsResponseOut, summary="街道评价部门报到情况"
)
def summons_rate_endpoint(request, response_id: int, payload: RateIn):
    def perform():
        response = summons_rate(
            actor=request.user,
            response_id=response_id,
            rating=payload.rating,
            note=payload.note,
            request=request,
        )
        return 200, _response_row(response)

    return idempotent_call(
        request=request,
        scope=f"summons_rate:{response_id}",
        payload=payload.dict(),
        perform=perform,
    )[1]
