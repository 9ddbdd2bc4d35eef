"""The closed loop's JSON API (mounted at /api/cases).

Thin endpoints: parse, call one selector or service, shape the answer. Every POST that
creates or changes something accepts an ``Idempotency-Key``; a replay returns the first
answer. Conflicts answer 409, out-of-scope cases 404. Reporter contact is shaped by
``case_reporter_contact``: departments never see it, anonymous reports show "匿名".
Each workflow action's endpoint comes from its entry in ``actions.ACTIONS``.
"""

from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from ninja import File, Form, Router, Schema
from ninja import Status as Answer  # the case model has its own Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from wangge.areas.models import Area
from wangge.cases import permissions as perms
from wangge.cases.actions import ACTIONS, Action
from wangge.cases.events import case_events_collected
from wangge.cases.kpi import GROUPINGS, kpi_table
from wangge.cases.models import (
    RESOLVED_STATUSES,
    Case,
    CaseEvent,
    Priority,
    Satisfaction,
    Source,
    Status,
    SummonsResponse,
)
from wangge.cases.open311.public import case_is_public, public_text
from wangge.cases.schemas import (
    ActionIn,
    AttachmentOut,
    CalendarYearOut,
    CaseDetailOut,
    CaseOut,
    CaseReportIn,
    CategoryOut,
    CheckInIn,
    EvaluateIn,
    KpiRowOut,
    RateIn,
    SummonsIn,
    SummonsResponseOut,
    TrackOut,
    action_body_schema,
)
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
from wangge.core.api_responses import prevalidated_response
from wangge.core.calendar import calendar_status
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.idempotency import idempotent_call
from wangge.core.inputs import Pages, SafeDate

API_PREFIX = "/cases"
router = Router(tags=["案件"])

# (action, URL segment, body schema, summary), one per entry of ``actions.ACTIONS``.
ACTION_ENDPOINTS: list[tuple[str, str, type[ActionIn], str]] = [
    (action.name, action.path, action_body_schema(action), action.summary) for action in ACTIONS
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
        "status_label": str(Status(case.status).label),
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

    with case_events_collected():  # intake's event may go in after perform() returns
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


def _perform_action(request, case_id: int, action: str, payload: ActionIn):
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


def _register_action(action: Action, schema: type[Schema]) -> None:
    def endpoint(request, case_id: int, payload: schema):  # type: ignore[valid-type]
        return _perform_action(request, case_id, action.name, payload)

    endpoint.__name__ = f"case_{action.name}"
    router.post(
        f"/{{case_id}}/{action.path}",
        response={200: CaseDetailOut},
        summary=action.summary,
        operation_id=f"case_{action.name}",
        url_name=f"case_{action.name}",
    )(endpoint)


for _action, (_, _, _schema, _) in zip(ACTIONS, ACTION_ENDPOINTS, strict=True):
    _register_action(_action, _schema)


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
