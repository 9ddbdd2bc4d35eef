"""The closed loop's writers. Nothing else changes a case's status.

``case_report`` opens a case, ``case_transition`` performs every workflow action from a
table (who may, from which statuses, to which status), ``case_evaluate`` takes the
reporter's verdict, and the ``summons_*`` services run 吹哨报到. Each writer locks the
case row, writes an immutable ``CaseEvent`` and an audit row, and recomputes deadlines
in one transaction.
"""

import inspect
import secrets
import uuid
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F, Q

from wangge.accounts.models import Department
from wangge.areas.geo import to_wgs84
from wangge.areas.models import Area, AreaKind
from wangge.areas.reference import area_at_depth
from wangge.areas.services import area_locate_point
from wangge.audit.models import Outcome
from wangge.audit.services import audit_event, audit_record
from wangge.cases import permissions as perms
from wangge.cases.calendar import (
    DAY_MINUTES,
    add_working_minutes,
    next_working_day_end,
    working_minutes_between,
)
from wangge.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseNumberSeq,
    Category,
    Evaluation,
    Priority,
    Satisfaction,
    SlaPolicy,
    Source,
    Status,
    Summons,
    SummonsResponse,
)
from wangge.cases.photos import PreparedPhoto, photo_prepare
from wangge.cases.reference import (
    ancestor_paths,
    category_by_code,
    category_by_id,
    routing_rule_for,
)
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.identity import normalize_phone
from wangge.core.inserts import insert_row, insert_rows, rows_deferred

# (sign-for minutes, resolve minutes, counted in working time) — docs/domain.md defaults.
DEFAULT_SLA: dict[str, tuple[int, int, bool]] = {
    Priority.URGENT: (30, 120, False),
    Priority.HIGH: (120, 24 * 60, False),
    Priority.NORMAL: (DAY_MINUTES, 7 * DAY_MINUTES, True),
    Priority.COMPLEX: (DAY_MINUTES, 15 * DAY_MINUTES, True),
}
OPEN_STATUSES = frozenset(
    {
        Status.REPORTED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.SUSPENDED,
        Status.RESOLVED,
        Status.VERIFIED,
    }
)
# Statuses in which a handler's clock runs.
ACTIVE_STATUSES = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})
RESOLVED_STATUSES = frozenset({Status.RESOLVED, Status.VERIFIED, Status.CLOSED})
SUMMONS_STATUSES = frozenset(
    {Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED, Status.SUSPENDED}
)
MAX_DESCRIPTION = 2000
MAX_NOTE = 2000
SUMMONS_URGENT_MINUTES = 30


def followup_window() -> timedelta:
    """How long after resolution the reporter may rate (and reopen) the case."""
    return timedelta(days=settings.WANGGE_CASE_FOLLOWUP_DAYS)


# --------------------------------------------------------------------------- photos


def _read_photo(photo) -> bytes:
    limit = settings.WANGGE_CASE_PHOTO_MAX_BYTES
    if isinstance(photo, bytes | bytearray):
        data = bytes(photo)
    elif isinstance(photo, tuple):
        data = bytes(photo[1])
    else:
        if getattr(photo, "size", 0) and photo.size > limit:
            raise ApplicationError(f"照片不能超过 {limit // (1024 * 1024)} MB", field="photos")
        photo.seek(0)
        data = photo.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"照片不能超过 {limit // (1024 * 1024)} MB", field="photos")
    if not data:
        raise ApplicationError("照片是空文件", field="photos")
    return data


def _check_photos(photos: Iterable) -> list[PreparedPhoto]:
    """Every photo upload path ends here: size and count, then ``photos.photo_prepare``
    (decoded, verified, re-encoded without metadata, with a thumbnail)."""
    photos = list(photos or ())
    most = settings.WANGGE_CASE_PHOTO_MAX_COUNT
    if len(photos) > most:
        raise ApplicationError(f"每次最多上传 {most} 张照片", field="photos")
    return [photo_prepare(_read_photo(photo)) for photo in photos]


def _store_photos(
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
    from wangge.cases.selectors import case_is_visible_to

    if kind not in ("report", "result"):
        raise ApplicationError("照片类型只能是 report 或 result", field="kind")
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not case_is_visible_to(actor, case):
        raise NotFoundOrForbidden("未找到该案件")
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
    checked = _check_photos([photo])
    (attachment,) = _store_photos(case=case, checked=checked, kind=kind, actor=actor, event=None)
    audit_record(
        action="case_attachment",
        actor=actor,
        request=request,
        obj=case,
        detail={"kind": kind, "attachment": attachment.pk},
    )
    return attachment


# --------------------------------------------------------------------------- routing, SLA


def case_route(*, category: Category, area_path: str) -> Department | Area | None:
    """The handler unit the routing table names for this category at this place."""
    rule = routing_rule_for(category=category, area_path=area_path)
    if rule is None:
        return None
    department_id, area_id = rule
    if department_id is not None:
        return Department.objects.select_related("area").get(pk=department_id)
    return Area.objects.get(pk=area_id)


def case_is_routable(*, category: Category, area_path: str) -> bool:
    return routing_rule_for(category=category, area_path=area_path) is not None


def sla_for(*, category: Category, priority: str) -> tuple[int, int, bool]:
    """(sign-for minutes, resolve minutes, working time?) for a category and priority."""
    policies = (
        SlaPolicy.objects.filter(priority=priority)
        .filter(
            Q(category__path__in=ancestor_paths(category.path, Category.steplen))
            | Q(category__isnull=True)
        )
        .select_related("category")
    )
    best = None
    for policy in policies:
        depth = policy.category.depth if policy.category_id else 0
        if best is None or depth > best[0]:
            best = (depth, policy)
    if best is None:
        return DEFAULT_SLA[priority]
    policy = best[1]
    return policy.sign_minutes, policy.resolve_minutes, policy.working_time


def _due(start: datetime, minutes: int, working_time: bool) -> datetime:
    if working_time:
        return add_working_minutes(start, minutes)
    return start + timedelta(minutes=minutes)


def _set_deadlines(case: Case, start: datetime) -> None:
    sign, resolve, working = sla_for(category=case.category, priority=case.priority)
    case.sign_due_at = _due(start, sign, working)
    case.resolve_due_at = _due(start, resolve, working)


def _dispatcher_for(*, area: Area, routed: bool) -> Area:
    """The community accepts cases the routing table knows; the street everything else."""
    depth = 4 if routed else 3
    if area.depth <= depth:
        return area
    return area_at_depth(area.path, depth) or area


# --------------------------------------------------------------------------- report


def _number_sequence(day: date) -> str:
    return f"cases_number_{day:%Y%m%d}"


_case_id_sequence: str | None = None


def _pg_next_in_day(day: date) -> tuple[int, int]:
    """(the day's next number, a new case id) in one statement. The day's number comes
    from a per-day PostgreSQL sequence: no row lock, so concurrent intake never queues
    on the counter (a rolled-back report leaves a gap, as hotline numbers do). Taking
    the id up front lets the case, its first event and its audit row go in together."""
    global _case_id_sequence
    name = _number_sequence(day)
    with connection.cursor() as cursor:
        if _case_id_sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Case._meta.db_table])
            _case_id_sequence = cursor.fetchone()[0]
        for _ in range(3):
            cursor.execute(
                "SELECT nextval(to_regclass(%s)), nextval(%s::regclass)", [name, _case_id_sequence]
            )
            value, case_id = cursor.fetchone()
            if value is not None:
                return value, case_id
            try:
                with transaction.atomic():
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            except (IntegrityError, ProgrammingError):
                pass  # another request created it first
    raise ApplicationError("案件编号生成冲突，请重试", code="conflict")


def _counter_next_in_day(day: date) -> tuple[int, None]:
    for _ in range(3):
        updated = CaseNumberSeq.objects.filter(day=day).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    CaseNumberSeq.objects.create(day=day, last=1)
            except IntegrityError:
                continue
        return CaseNumberSeq.objects.get(day=day).last, None
    raise ApplicationError("案件编号生成冲突，请重试", code="conflict")


def _next_number(now: datetime) -> tuple[str, int | None]:
    """A case number like 2026112500001 (the local date and the day's sequence) and,
    on PostgreSQL, the new case's id."""
    day = now.astimezone(clock.LOCAL_TZ).date()
    next_in_day = _pg_next_in_day if connection.vendor == "postgresql" else _counter_next_in_day
    value, case_id = next_in_day(day)
    return f"{day:%Y%m%d}{value:05d}", case_id


def case_numbers_sync(*, day: date) -> int:
    """After a bulk load, move the day's numbering past the numbers already used."""
    prefix = f"{day:%Y%m%d}"
    used = [
        int(number[len(prefix) :])
        for number in Case.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
        if number[len(prefix) :].isdigit()
    ]
    last = max(used, default=0)
    if connection.vendor == "postgresql":
        name = _number_sequence(day)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            if last:
                cursor.execute("SELECT setval(%s, %s)", [name, last])
    else:
        counter, _ = CaseNumberSeq.objects.get_or_create(day=day)
        if counter.last < last:
            CaseNumberSeq.objects.filter(pk=counter.pk).update(last=last)
    return last


def _resolve_category(category) -> Category:
    if isinstance(category, Category):
        found = category
    elif isinstance(category, int):
        found = category_by_id(category)
    else:
        found = category_by_code(str(category))
    if found is None or not found.active:
        raise ApplicationError("请选择有效的事件类别", field="category")
    return found


def _locate(*, grid, lat, lng, coord_system) -> tuple[Area, float | None, float | None]:
    wlat = wlng = None
    if lat is not None and lng is not None:
        located = area_locate_point(lat=lat, lng=lng, system=coord_system)
        wlat, wlng = to_wgs84(lat, lng, coord_system.lower().replace("-", ""))
        if grid is None:
            grid = located
    if isinstance(grid, int):
        grid = Area.objects.filter(pk=grid).first()
    if grid is None:
        raise ApplicationError(
            "无法确定问题所在网格：请在地图上选点，或选择所在社区/网格", field="location"
        )
    if grid.kind not in (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.MICROGRID):
        raise ApplicationError("请选择街道、社区或网格", field="grid")
    return grid, wlat, wlng


def case_report(
    *,
    actor,
    category,
    description: str,
    source: str,
    priority: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
    coord_system: str = "wgs84",
    address: str = "",
    grid: Area | int | None = None,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Iterable = (),
    private: bool = False,
    request=None,
) -> Case:
    """Open a case at ``reported``: locate its grid, number it, pick its dispatcher.

    ``actor`` is None for a public report without an account. The phone is stored
    encrypted; an anonymous report keeps no name and no phone at all. A ``private`` case
    (a need raised during a household visit) is never public, whatever its category.
    """
    category = _resolve_category(category)
    description = clean_text(description)
    address = clean_text(address)
    reporter_name = clean_text(reporter_name)
    if not description:
        raise ApplicationError("请填写问题描述", field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ApplicationError(f"问题描述最多 {MAX_DESCRIPTION} 字", field="description")
    if source not in Source.values:
        raise ApplicationError("未知的案件来源", field="source")
    priority = priority or category.default_priority
    if priority not in Priority.values:
        raise ApplicationError("未知的紧急程度", field="priority")
    if len(address or "") > 200:
        raise ApplicationError("地址最多 200 字", field="address")
    area, wlat, wlng = _locate(grid=grid, lat=lat, lng=lng, coord_system=coord_system)
    phone = normalize_phone(reporter_phone) if reporter_phone and not anonymous else ""
    checked = _check_photos(photos)
    now = clock.now()
    routed = case_is_routable(category=category, area_path=area.path)
    dispatcher = _dispatcher_for(area=area, routed=routed)
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    # Everything above only reads; the writes need no savepoint of their own (a failure
    # here fails the caller's transaction too, which is what it should do). When the
    # caller collects the rows to write them in one statement, that statement is the
    # transaction.
    writing = nullcontext() if rows_deferred() else transaction.atomic(savepoint=False)
    with writing:
        return _case_create(
            reporter=reporter,
            category=category,
            priority=priority,
            source=source,
            description=description,
            address=address,
            area=area,
            lat=wlat,
            lng=wlng,
            anonymous=anonymous,
            reporter_name=reporter_name,
            phone=phone,
            dispatcher=dispatcher,
            checked=checked,
            now=now,
            request=request,
            private=private,
        )


def _case_create(
    *,
    reporter,
    category,
    priority,
    source,
    description,
    address,
    area,
    lat,
    lng,
    anonymous,
    reporter_name,
    phone,
    dispatcher,
    checked,
    now,
    request,
    private=False,
) -> Case:
    number, case_id = _next_number(now)
    case = Case(
        id=case_id,
        number=number,
        token=secrets.token_urlsafe(18),
        category=category,
        priority=priority,
        status=Status.REPORTED,
        source=source,
        description=description,
        address=address,
        lat=lat,
        lng=lng,
        grid=area if area.kind in (AreaKind.GRID, AreaKind.MICROGRID) else None,
        area_path=area.path,
        reporter=reporter,
        anonymous=anonymous,
        private=private,
        reporter_name="" if anonymous else reporter_name[:50],
        reporter_phone_enc=crypto.encrypt(phone),
        dispatcher_area=dispatcher,
        created_at=now,
        updated_at=now,
    )
    if case_id is None:
        if rows_deferred():
            raise RuntimeError("rows can be deferred only where the case id is drawn first")
        insert_row(case)  # the database gives the id (SQLite)
    event = CaseEvent(
        case=case,
        at=now,
        actor=reporter,
        action="report",
        from_status="",
        to_status=Status.REPORTED,
        data={"source": source},
    )
    audit = audit_event(
        action="case_report",
        actor=reporter,
        request=request,
        obj=case,
        detail={"number": case.number, "source": source},
    )
    # Intake is the hottest write: on PostgreSQL the case, its first event and its audit
    # row are one statement, built once (core.inserts).
    insert_rows(*([case] if case._state.adding else []), event, audit)
    _store_photos(case=case, checked=checked, kind="report", actor=reporter, event=event)
    return case


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset
    target: str | None  # None: the status stays (or the action decides, e.g. verify)


S = Status
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition("立案", frozenset({S.REPORTED}), S.ACCEPTED),
    "reject": Transition("作废", frozenset({S.REPORTED, S.ACCEPTED}), S.REJECTED),
    "dispatch": Transition("派遣", frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.DISPATCHED),
    "sign": Transition("签收", frozenset({S.DISPATCHED}), S.IN_PROGRESS),
    "resolve": Transition("办结", frozenset({S.IN_PROGRESS}), S.RESOLVED),
    "return": Transition("退回", frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RETURNED),
    "extend_request": Transition("申请延期", frozenset({S.DISPATCHED, S.IN_PROGRESS}), None),
    "extend_approve": Transition("批准延期", frozenset({S.DISPATCHED, S.IN_PROGRESS}), None),
    "extend_reject": Transition("驳回延期", frozenset({S.DISPATCHED, S.IN_PROGRESS}), None),
    "suspend_request": Transition("申请挂账", frozenset({S.DISPATCHED, S.IN_PROGRESS}), None),
    "suspend": Transition("挂账", frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.SUSPENDED),
    "resume": Transition("恢复办理", frozenset({S.SUSPENDED}), None),
    "verify": Transition("核查", frozenset({S.RESOLVED}), None),
    "close": Transition("结案", frozenset({S.VERIFIED}), S.CLOSED),
    "escalate": Transition("上报", frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.ACCEPTED),
    "supervise": Transition(
        "督办",
        frozenset(
            {
                S.REPORTED,
                S.ACCEPTED,
                S.DISPATCHED,
                S.IN_PROGRESS,
                S.RETURNED,
                S.SUSPENDED,
                S.RESOLVED,
            }
        ),
        None,
    ),
    "reopen": Transition("重新办理", frozenset({S.VERIFIED, S.CLOSED}), S.DISPATCHED),
}
ACTION_ALIASES = {"return_": "return"}
ACTIONS = tuple(TRANSITIONS)
ACTION_PREDICATES_WITH_STATUS = {
    action: (spec.sources, perms.ACTION_PREDICATES[action]) for action, spec in TRANSITIONS.items()
}


@dataclass
class _Step:
    """What an action handler gives back for the timeline."""

    note: str = ""
    data: dict | None = None
    photos: list | None = None
    photo_kind: str = "result"


def clean_text(value) -> str:
    """User text as stored: a string, trimmed, without NUL characters (which PostgreSQL
    text columns refuse)."""
    return str(value or "").replace("\x00", "").strip()


TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def is_token_shaped(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 32 and set(token) <= TOKEN_CHARS


def _required_text(value: str | None, field: str, message: str) -> str:
    value = clean_text(value)
    if not value:
        raise ApplicationError(message, field=field)
    if len(value) > MAX_NOTE:
        raise ApplicationError(f"最多 {MAX_NOTE} 字", field=field)
    return value


def _optional_text(value: str | None, field: str) -> str:
    value = clean_text(value)
    if len(value) > MAX_NOTE:
        raise ApplicationError(f"最多 {MAX_NOTE} 字", field=field)
    return value


def _do_accept(actor, case, now, *, note: str = "") -> _Step:
    case.accepted_at = now
    return _Step(_optional_text(note, "note"))


def _do_reject(actor, case, now, *, reason: str = "") -> _Step:
    return _Step(_required_text(reason, "reason", "请填写作废原因"))


def _as_department(value) -> Department | None:
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        return value
    found = Department.objects.select_related("area").filter(pk=value).first()
    if found is None:
        raise ApplicationError("未找到该部门", field="handler_department")
    return found


def _as_area(value, field: str = "handler_area") -> Area | None:
    if value is None or value == "":
        return None
    if isinstance(value, Area):
        return value
    found = Area.objects.filter(pk=value).first()
    if found is None:
        raise ApplicationError("未找到该区域", field=field)
    return found


def _do_dispatch(
    actor, case, now, *, handler_department=None, handler_area=None, note: str = ""
) -> _Step:
    department = _as_department(handler_department)
    area = _as_area(handler_area)
    if department is not None and area is not None:
        raise ApplicationError("承办单位只能选一个：部门或区域", field="handler_department")
    routed = case_route(category=case.category, area_path=case.area_path)
    if department is None and area is None:
        if routed is None:
            raise ApplicationError(
                "分派规则未覆盖该类别，请选择承办单位", field="handler_department"
            )
        if isinstance(routed, Department):
            department = routed
        else:
            area = routed
    if not perms.can_dispatch_to(actor, case, department=department, area=area, routed=routed):
        raise PermissionRefused("不能派遣给该单位")
    # A case sent where no account could sign it would wait unseen until it is overdue.
    if not perms.unit_has_handlers(department=department, area=area):
        unit = department or area
        raise ApplicationError(
            f"{unit.name}目前没有承办人员，不能派遣，请选择其他承办单位",
            field="handler_department" if department is not None else "handler_area",
        )
    case.handler_department = department
    case.handler_area = area
    case.accepted_at = case.accepted_at or now
    case.dispatched_at = now
    case.signed_at = None
    case.pending_request, case.pending_request_data = "", {}
    _set_deadlines(case, now)
    unit = department or area
    return _Step(
        _optional_text(note, "note"),
        {
            "handler_department": department.pk if department else None,
            "handler_area": area.pk if area else None,
            "handler_name": unit.name,
            "routed": routed is not None and unit == routed,
        },
    )


def _do_sign(actor, case, now, *, note: str = "") -> _Step:
    case.signed_at = now
    return _Step(_optional_text(note, "note"))


def _do_resolve(actor, case, now, *, result: str = "", photos=()) -> _Step:
    case.result = _required_text(result, "result", "请填写处置结果")
    case.resolved_at = now
    return _Step(case.result, photos=_check_photos(photos))


def _do_return(actor, case, now, *, reason: str = "") -> _Step:
    reason = _required_text(reason, "reason", "请填写退回原因")
    data = {"handler_department": case.handler_department_id, "handler_area": case.handler_area_id}
    case.return_count += 1
    # Time spent back with the dispatcher does not count: a redispatch starts a new clock.
    case.sign_due_at = case.resolve_due_at = None
    case.pending_request, case.pending_request_data = "", {}
    return _Step(reason, data)


def _no_pending(case) -> None:
    if case.pending_request:
        raise ApplicationError("已有待审批的申请", code="conflict")


def _do_extend_request(actor, case, now, *, days: int | None = None, reason: str = "") -> _Step:
    _no_pending(case)
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ApplicationError("延期天数应为 1–60 个工作日", field="days")
    reason = _required_text(reason, "reason", "请填写延期理由")
    case.pending_request = "extension"
    case.pending_request_data = {"days": days, "reason": reason, "by": actor.pk}
    return _Step(reason, {"days": days})


def _do_extend_approve(actor, case, now, *, days: int | None = None, note: str = "") -> _Step:
    if case.pending_request == "extension" and days is None:
        days = case.pending_request_data.get("days")
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ApplicationError("延期天数应为 1–60 个工作日", field="days")
    base = case.resolve_due_at or now
    case.resolve_due_at = add_working_minutes(base, days * DAY_MINUTES)
    case.pending_request, case.pending_request_data = "", {}
    return _Step(
        _optional_text(note, "note"),
        {"days": days, "resolve_due_at": case.resolve_due_at.isoformat()},
    )


def _do_extend_reject(actor, case, now, *, note: str = "") -> _Step:
    if case.pending_request != "extension":
        raise ApplicationError("没有待审批的延期申请", code="conflict")
    case.pending_request, case.pending_request_data = "", {}
    return _Step(_optional_text(note, "note"))


def _do_suspend_request(actor, case, now, *, reason: str = "") -> _Step:
    _no_pending(case)
    reason = _required_text(reason, "reason", "请填写挂账理由")
    case.pending_request = "suspension"
    case.pending_request_data = {"reason": reason, "by": actor.pk}
    return _Step(reason)


def _do_suspend(actor, case, now, *, reason: str = "") -> _Step:
    if not reason and case.pending_request == "suspension":
        reason = case.pending_request_data.get("reason", "")
    reason = _required_text(reason, "reason", "请填写挂账理由")
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


def _do_resume(actor, case, now, *, note: str = "") -> _Step:
    _, _, working = sla_for(category=case.category, priority=case.priority)
    paused_at = case.paused_at or now
    if case.signed_at is None:
        case.sign_due_at = _shift(case.sign_due_at, paused_at, now, working)
    case.resolve_due_at = _shift(case.resolve_due_at, paused_at, now, working)
    case.status = case.paused_status or Status.IN_PROGRESS
    data = {"paused_minutes": int((now - paused_at).total_seconds() // 60)}
    case.paused_at, case.paused_status = None, ""
    return _Step(_optional_text(note, "note"), data)


def _do_verify(actor, case, now, *, passed: bool | None = None, note: str = "") -> _Step:
    if not isinstance(passed, bool):
        raise ApplicationError("请选择核查是否通过", field="passed")
    if passed:
        case.status = Status.VERIFIED
        case.verified_at = now
        return _Step(_optional_text(note, "note"), {"passed": True})
    note = _required_text(note, "note", "核查不通过时请说明原因")
    case.status = Status.IN_PROGRESS
    case.rework_count += 1
    case.resolved_at = None
    return _Step(note, {"passed": False})


def _do_close(actor, case, now, *, note: str = "") -> _Step:
    case.closed_at = now
    return _Step(_optional_text(note, "note"))


def _do_escalate(actor, case, now, *, reason: str = "") -> _Step:
    reason = _required_text(reason, "reason", "请填写上报原因")
    current = case.dispatcher_area
    if current is None or current.depth <= 3:
        raise ApplicationError("已在街道层级，不能再上报", code="conflict")
    parent = area_at_depth(current.path, current.depth - 1)
    case.dispatcher_area = parent
    case.accepted_at = case.accepted_at or now
    return _Step(
        reason, {"from_area": current.pk, "to_area": parent.pk, "to_area_name": parent.name}
    )


def _do_supervise(actor, case, now, *, note: str = "") -> _Step:
    case.supervision_count += 1
    return _Step(_required_text(note, "note", "请填写督办意见"))


def _reopen(case: Case, now: datetime) -> None:
    case.status = Status.DISPATCHED
    case.reopen_count += 1
    case.signed_at = case.resolved_at = case.verified_at = case.closed_at = None
    _set_deadlines(case, now)


def _do_reopen(actor, case, now, *, reason: str = "") -> _Step:
    reason = _required_text(reason, "reason", "请填写重新办理的原因")
    _reopen(case, now)
    return _Step(reason)


ACTION_HANDLERS: dict[str, Callable[..., _Step]] = {
    "accept": _do_accept,
    "reject": _do_reject,
    "dispatch": _do_dispatch,
    "sign": _do_sign,
    "resolve": _do_resolve,
    "return": _do_return,
    "extend_request": _do_extend_request,
    "extend_approve": _do_extend_approve,
    "extend_reject": _do_extend_reject,
    "suspend_request": _do_suspend_request,
    "suspend": _do_suspend,
    "resume": _do_resume,
    "verify": _do_verify,
    "close": _do_close,
    "escalate": _do_escalate,
    "supervise": _do_supervise,
    "reopen": _do_reopen,
}
_HANDLER_PARAMS = {
    name: frozenset(inspect.signature(fn).parameters) - {"actor", "case", "now"}
    for name, fn in ACTION_HANDLERS.items()
}


def action_params(action: str) -> frozenset[str]:
    """The keyword parameters an action takes (for forms and API schemas)."""
    return _HANDLER_PARAMS[ACTION_ALIASES.get(action, action)]


def _lock_case(actor, case_id) -> Case:
    from wangge.cases.selectors import case_is_visible_to

    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden("未找到该案件") from None
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case_is_visible_to(actor, case):
        raise NotFoundOrForbidden("未找到该案件")
    return case


def _conflict(message: str) -> ApplicationError:
    return ApplicationError(message, code="conflict")


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
    action = ACTION_ALIASES.get(action, action)
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise ApplicationError("未知的案件操作", field="action")
    unknown = set(params) - _HANDLER_PARAMS[action]
    if unknown:
        raise ApplicationError(
            f"该操作不接受参数：{', '.join(sorted(unknown))}", field=sorted(unknown)[0]
        )
    try:
        return _perform_transition(
            actor=actor, case_id=case_id, action=action, spec=spec,
            expected_version=expected_version, request=request, params=params,
        )
    except PermissionRefused:
        # Audited after the rollback so the denial's row survives; the case is unchanged.
        audit_record(
            action=f"case_{action}", outcome=Outcome.DENIED, actor=actor, request=request,
            object_type="cases.case", object_id=case_id,
        )
        raise


def _perform_transition(*, actor, case_id, action, spec, expected_version, request, params):
    with transaction.atomic():
        case = _lock_case(actor, case_id)
        if expected_version is not None and expected_version != case.version:
            raise _conflict(
                f"案件已被他人更新（当前状态：{Status(case.status).label}），请刷新后重试"
            )
        if not perms.ACTION_PREDICATES[action](actor, case):
            raise PermissionRefused()
        if case.status not in spec.sources:
            raise _conflict(f"案件当前状态为“{Status(case.status).label}”，不能{spec.label}")
        now = clock.now()
        before = case.status
        step = ACTION_HANDLERS[action](actor, case, now, **params)
        if spec.target is not None:
            case.status = spec.target
        case.version += 1
        case.updated_at = now
        case.save()
        event = CaseEvent.objects.create(
            case=case,
            at=now,
            actor=actor,
            action=action,
            from_status=before,
            to_status=case.status,
            note=step.note,
            data=step.data or {},
        )
        if step.photos:
            _store_photos(
                case=case, checked=step.photos, kind=step.photo_kind, actor=actor, event=event
            )
        audit_record(
            action=f"case_{action}",
            actor=actor,
            request=request,
            obj=case,
            detail={"number": case.number, "from": before, "to": case.status},
        )
        if action == "verify" and case.status == Status.VERIFIED:
            _close_if_reporter_satisfied(case, now)
    return case


def _round_evaluation(case: Case) -> Evaluation | None:
    """The reporter's rating of the current resolution, if any."""
    if case.resolved_at is None:
        return None
    return case.evaluations.filter(at__gte=case.resolved_at).order_by("-at", "-id").first()


def _system_event(
    case: Case, now: datetime, action: str, before: str, note: str, data: dict | None = None
) -> None:
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=None,
        action=action,
        from_status=before,
        to_status=case.status,
        note=note,
        data=data or {},
    )
    audit_record(
        action=f"case_{action}",
        actor=None,
        obj=case,
        detail={"number": case.number, "from": before, "to": case.status},
    )


def _close_if_reporter_satisfied(case: Case, now: datetime) -> None:
    evaluation = _round_evaluation(case)
    if evaluation is None or evaluation.rating == Satisfaction.UNSATISFIED:
        return
    case.status = Status.CLOSED
    case.closed_at = now
    case.version += 1
    case.save(update_fields=["status", "closed_at", "version", "updated_at"])
    _system_event(case, now, "close", Status.VERIFIED, "回访满意，自动结案")


# --------------------------------------------------------------------------- evaluation


@transaction.atomic
def case_evaluate(*, token: str, rating: str, comment: str = "", request=None) -> Case:
    """The reporter's verdict from the tracking page (the token is their credential).

    Satisfied or basically satisfied closes a verified case; unsatisfied within the
    follow-up window sends it back to the same handler with fresh deadlines.
    """
    if rating not in Satisfaction.values:
        raise ApplicationError("请选择满意、基本满意或不满意", field="rating")
    comment = _optional_text(comment, "comment")
    case = (
        # A visit's need has no reporter holding the token: like the tracking page, none.
        Case.objects.select_for_update().filter(token=token, private=False).first()
        if is_token_shaped(token)
        else None
    )
    if case is None:
        raise NotFoundOrForbidden("未找到该案件")
    if case.status not in RESOLVED_STATUSES or case.resolved_at is None:
        raise _conflict("案件尚未办结，暂不能评价")
    now = clock.now()
    if now > case.resolved_at + followup_window():
        raise _conflict("已超过评价期限")
    if _round_evaluation(case) is not None:
        raise _conflict("您已评价过本次办理结果")
    Evaluation.objects.create(case=case, rating=rating, comment=comment, at=now)
    before = case.status
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=None,
        action="evaluate",
        from_status=before,
        to_status=before,
        note=comment,
        data={"rating": rating},
    )
    audit_record(
        action="case_evaluate",
        actor=None,
        request=request,
        obj=case,
        detail={"number": case.number, "rating": rating},
    )
    if rating == Satisfaction.UNSATISFIED:
        _reopen(case, now)
        case.version += 1
        case.updated_at = now
        case.save()
        _system_event(case, now, "reopen", before, "群众不满意，重新办理")
    elif case.status == Status.VERIFIED:
        _close_if_reporter_satisfied(case, now)
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
        _system_event(case, now, "close", Status.VERIFIED, "回访期满，自动结案")
        closed += 1
    return closed


# --------------------------------------------------------------------------- summons


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
    case = _lock_case(actor, case_id)
    if not perms.can_summon(actor, case):
        raise PermissionRefused()
    if case.status not in SUMMONS_STATUSES:
        raise _conflict(f"案件当前状态为“{Status(case.status).label}”，不能吹哨")
    chosen = []
    for value in departments or ():
        department = _as_department(value)
        if department is not None and department not in chosen:
            chosen.append(department)
    if not chosen:
        raise ApplicationError("请选择要吹哨的部门", field="departments")
    reason = _optional_text(reason, "reason")
    now = clock.now()
    street = area_at_depth(case.area_path, 3)
    if street is None:
        raise ApplicationError("案件不在任何街道范围内", field="case")
    due = now + timedelta(minutes=SUMMONS_URGENT_MINUTES) if urgent else next_working_day_end(now)
    summons = Summons.objects.create(
        case=case, street=street, issued_by=actor, issued_at=now, urgent=urgent, reason=reason
    )
    SummonsResponse.objects.bulk_create(
        [SummonsResponse(summons=summons, department=d, due_at=due) for d in chosen]
    )
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        action="summon",
        from_status=case.status,
        to_status=case.status,
        note=reason,
        data={
            "summons": summons.pk,
            "departments": [d.pk for d in chosen],
            "department_names": [d.name for d in chosen],
            "urgent": urgent,
            "due_at": due.isoformat(),
        },
    )
    audit_record(
        action="case_summon",
        actor=actor,
        request=request,
        obj=case,
        detail={"number": case.number, "departments": [d.pk for d in chosen]},
    )
    return summons


def _lock_response(response_id) -> SummonsResponse:
    try:
        response_id = int(response_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden("未找到该吹哨记录") from None
    response = SummonsResponse.objects.select_for_update().filter(pk=response_id).first()
    if response is None:
        raise NotFoundOrForbidden("未找到该吹哨记录")
    return response


@transaction.atomic
def summons_check_in(*, actor, response_id: int, note: str = "", request=None) -> SummonsResponse:
    """报到: a summoned department's handler checks in (late check-ins are recorded)."""
    response = _lock_response(response_id)
    if not perms.can_check_in(actor, response):
        raise NotFoundOrForbidden("未找到该吹哨记录")
    if response.checked_in_at is not None:
        raise _conflict("本部门已报到")
    now = clock.now()
    response.checked_in_at = now
    response.checked_in_by = actor
    response.save(update_fields=["checked_in_at", "checked_in_by"])
    case = response.summons.case
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        action="check_in",
        from_status=case.status,
        to_status=case.status,
        note=_optional_text(note, "note"),
        data={
            "summons": response.summons_id,
            "department": response.department_id,
            "department_name": response.department.name,
            "on_time": now <= response.due_at,
        },
    )
    audit_record(
        action="case_check_in",
        actor=actor,
        request=request,
        obj=case,
        detail={"number": case.number, "department": response.department_id},
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
        raise NotFoundOrForbidden("未找到该吹哨记录")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ApplicationError("评分应为 1–5 星", field="rating")
    if response.rating is not None:
        raise _conflict("已评价过该部门的报到")
    now = clock.now()
    response.rating = rating
    response.rating_note = _optional_text(note, "note")
    response.rated_at = now
    response.save(update_fields=["rating", "rating_note", "rated_at"])
    case = summons.case
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        action="summons_rate",
        from_status=case.status,
        to_status=case.status,
        note=response.rating_note,
        data={
            "summons": summons.pk,
            "department": response.department_id,
            "department_name": response.department.name,
            "rating": rating,
        },
    )
    audit_record(
        action="case_summons_rate",
        actor=actor,
        request=request,
        obj=case,
        detail={"number": case.number, "department": response.department_id, "rating": rating},
    )
    return response
