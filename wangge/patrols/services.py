"""Writes: patrols, findings, visits, and handing grids and households between workers."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.permissions import forget_role_assignments
from wangge.accounts.services import role_assign
from wangge.areas.models import Area, AreaKind
from wangge.audit.services import audit_record
from wangge.cases.models import Category, Source
from wangge.cases.services import case_report
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.patrols.models import (
    Duty,
    GridAssignment,
    HouseholdAssignment,
    Patrol,
    PatrolFinding,
    Visit,
    VisitMode,
    VisitNeed,
    VisitOutcome,
)
from wangge.patrols.permissions import can_assign_in, can_work_grids
from wangge.patrols.selectors import (
    active_q,
    household_get_for_worker,
    household_window,
    not_found,
    worker_grid_get,
)
from wangge.people.models import Household
from wangge.people.needs import need_kind

# How far back a record made offline may be dated, and how far ahead a phone clock may run.
MAX_BACKDATE = timedelta(days=30)
CLOCK_SKEW = timedelta(minutes=10)
MAX_POINTS = 5000
MAX_NEEDS = 10
# Household facts a worker may report as changed; never ID numbers or phones (those are
# encrypted in the registry and must not sit in plain JSON).
CHANGE_FIELDS = {
    "address": gettext_lazy("住址"),
    "room": gettext_lazy("门牌/房号"),
    "residence_status": gettext_lazy("居住状态"),
    "members": gettext_lazy("实住人数"),
    "living_alone": gettext_lazy("独居情况"),
    "other": gettext_lazy("其他变化"),
}


def _require_worker(actor) -> None:
    if not can_work_grids(actor):
        raise PermissionRefused(_("只有网格员可以记录巡查和走访"))


def _checked_time(value: datetime | None, *, field: str) -> datetime:
    now = clock.now()
    if value is None:
        return now
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.LOCAL_TZ)
    if value > now + CLOCK_SKEW:
        raise ApplicationError(_("时间不能晚于当前时间，请检查手机时间设置"), field=field)
    if value < now - MAX_BACKDATE:
        raise ApplicationError(_("记录时间超过 30 天，不能补录"), field=field)
    return value


def _local_date(value: datetime) -> date:
    return value.astimezone(clock.LOCAL_TZ).date()


def _checked_duties(duties, *, field: str = "duties") -> list[str]:
    duties = list(dict.fromkeys(duties or ()))
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise ApplicationError(_("履职类别不在七项职责之内"), field=field)
    return duties


def _checked_points(points) -> list[dict]:
    points = list(points or ())
    if len(points) > MAX_POINTS:
        raise ApplicationError(
            _("轨迹点过多（最多 %(max)s 个）") % {"max": MAX_POINTS}, field="points"
        )
    clean = []
    for point in points:
        try:
            lat, lng = float(point["lat"]), float(point["lng"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ApplicationError(_("轨迹点格式不正确"), field="points") from exc
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ApplicationError(_("轨迹点坐标超出范围"), field="points")
        clean.append({"lat": lat, "lng": lng, "at": str(point.get("at") or "")[:40]})
    return clean


# ---------------------------------------------------------------- patrols


def _close_stale_patrols(*, worker, today: date) -> None:
    """A patrol left open on an earlier day ends where its record ends (系统补结束)."""
    for patrol in Patrol.objects.select_for_update().filter(
        worker=worker, ended_at__isnull=True, date__lt=today
    ):
        last = patrol.started_at
        for point in patrol.points:
            try:
                at = datetime.fromisoformat(point.get("at") or "")
            except ValueError:
                continue
            if at.tzinfo is not None and at > last:
                last = at
        patrol.ended_at = last
        patrol.auto_closed = True
        patrol.save(update_fields=["ended_at", "auto_closed"])


@transaction.atomic
def patrol_start(
    *,
    actor,
    grid_id: int,
    client_ref: str,
    started_at: datetime | None = None,
    duties=(),
) -> Patrol:
    """Start a patrol of one of the worker's grids. The phone names it (``client_ref``)
    so that its end and findings, queued offline, can refer to it."""
    _require_worker(actor)
    client_ref = (client_ref or "").strip()
    if not client_ref or len(client_ref) > 64:
        raise ApplicationError(_("缺少巡查编号"), field="client_ref")
    existing = Patrol.objects.filter(worker=actor, client_ref=client_ref).first()
    if existing is not None:
        return existing
    grid = worker_grid_get(worker=actor, grid_id=grid_id)
    started_at = _checked_time(started_at, field="started_at")
    day = _local_date(started_at)
    _close_stale_patrols(worker=actor, today=day)
    if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise ApplicationError(
            _("您有一个进行中的巡查，请先结束后再开始新的巡查"), code="conflict", field="client_ref"
        )
    return Patrol.objects.create(
        worker=actor,
        grid=grid,
        area_path=grid.path,
        client_ref=client_ref,
        date=day,
        started_at=started_at,
        duties=_checked_duties(duties),
    )


def patrol_get_for_worker(*, worker, client_ref: str) -> Patrol:
    patrol = Patrol.objects.filter(worker=worker, client_ref=client_ref).first()
    if patrol is None:
        raise not_found(_("未找到该巡查记录"), field="client_ref")
    return patrol


@transaction.atomic
def patrol_end(
    *,
    actor,
    client_ref: str,
    ended_at: datetime | None = None,
    points=(),
    duties=(),
    notes: str = "",
) -> Patrol:
    _require_worker(actor)
    patrol = Patrol.objects.select_for_update().filter(worker=actor, client_ref=client_ref).first()
    if patrol is None:
        raise not_found(_("未找到该巡查记录"), field="client_ref")
    if patrol.ended_at is not None and not patrol.auto_closed:
        raise ApplicationError(_("该巡查已经结束"), code="conflict", field="client_ref")
    ended_at = _checked_time(ended_at, field="ended_at")
    if ended_at < patrol.started_at:
        raise ApplicationError(_("结束时间早于开始时间"), field="ended_at")
    patrol.ended_at = ended_at
    patrol.auto_closed = False
    patrol.points = [*patrol.points, *_checked_points(points)]
    patrol.duties = _checked_duties([*patrol.duties, *(duties or ())])
    patrol.notes = (notes or "").strip()[:2000]
    patrol.save(update_fields=["ended_at", "auto_closed", "points", "duties", "notes"])
    return patrol


def _category(category_id) -> Category:
    category = Category.objects.filter(pk=category_id, active=True).first()
    if category is None:
        raise ApplicationError(_("请选择有效的事件类别"), field="category_id")
    return category


@transaction.atomic
def patrol_finding_report(
    *,
    actor,
    grid_id: int,
    category_id: int,
    description: str,
    patrol_ref: str = "",
    duty: str = "",
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    photos=(),
):
    """A problem found in the worker's grid becomes a case (through the closed loop).

    It is linked to the patrol the phone names; if that patrol is unknown (its start was
    refused) the case is still reported, unlinked, rather than losing the problem."""
    _require_worker(actor)
    grid = worker_grid_get(worker=actor, grid_id=grid_id)
    if duty:
        _checked_duties([duty], field="duty")
    patrol = (
        Patrol.objects.filter(worker=actor, client_ref=patrol_ref).first() if patrol_ref else None
    )
    if not (description or "").strip():
        raise ApplicationError(_("请填写问题描述"), field="description")
    case = case_report(
        actor=actor,
        category=_category(category_id),
        description=description.strip(),
        source=Source.GRID_WORKER,
        lat=lat,
        lng=lng,
        address=(address or "").strip()[:200],
        grid=grid,
        photos=tuple(photos),
    )
    if patrol is not None:
        PatrolFinding.objects.create(patrol=patrol, case=case, duty=duty)
    return case


# ---------------------------------------------------------------- visits


def _checked_changes(changes: dict[str, Any] | None) -> dict[str, str]:
    clean = {}
    for key, value in (changes or {}).items():
        if key not in CHANGE_FIELDS:
            raise ApplicationError(
                _("不支持登记“%(key)s”的变化（证件号、电话请在居民信息中修改）") % {"key": key},
                field="changes",
            )
        text = str(value if value is not None else "").strip()
        if len(text) > 200:
            raise ApplicationError(
                _("“%(field)s”内容过长") % {"field": CHANGE_FIELDS[key]}, field="changes"
            )
        if text:
            clean[key] = text
    return clean


@transaction.atomic
def visit_record(
    *,
    actor,
    household_id: int,
    mode: str,
    outcome: str,
    at: datetime | None = None,
    notes: str = "",
    duty: str = "",
    needs=(),
    changes: dict | None = None,
) -> Visit:
    """Record a visit to a household of the worker's grids; each need raised becomes a case.

    The visit's window (cadence, due date, timing) is kept as it stood when the visit was
    made; the household's next window follows from this visit by query."""
    _require_worker(actor)
    household = household_get_for_worker(worker=actor, household_id=household_id)
    if mode not in VisitMode.values:
        raise ApplicationError(_("请选择走访方式"), field="mode")
    if outcome not in VisitOutcome.values:
        raise ApplicationError(_("请选择走访结果"), field="outcome")
    if duty:
        _checked_duties([duty], field="duty")
    at = _checked_time(at, field="at")
    day = _local_date(at)
    needs = list(needs or ())
    if len(needs) > MAX_NEEDS:
        raise ApplicationError(
            _("一次走访最多登记 %(max)s 项诉求") % {"max": MAX_NEEDS}, field="needs"
        )
    for need in needs:
        if not str(need.get("description") or "").strip():
            raise ApplicationError(_("诉求内容不能为空"), field="needs")
        if need.get("kind") and need_kind(need["kind"]) is None:
            raise ApplicationError(_("请选择有效的诉求类别"), field="needs")
    if outcome == VisitOutcome.NEEDS and not needs:
        raise ApplicationError(_("走访结果为“有诉求”时请登记诉求内容"), field="needs")
    clean_changes = _checked_changes(changes)

    window = household_window(household=household, on=day)
    visit = Visit.objects.create(
        household=household,
        worker=actor,
        grid=household.grid,
        area_path=household.area_path,
        at=at,
        date=day,
        mode=mode,
        outcome=outcome,
        notes=(notes or "").strip()[:2000],
        duty=duty,
        changes=clean_changes,
        cadence=window.cadence,
        window_due=window.due,
        timing=window.timing_of(day),
    )
    for need in needs:
        kind = need_kind(need["kind"]) if need.get("kind") else None
        if kind is not None:
            # Another domain's list of needs (e.g. a finance need): its handler keeps it.
            kind.handler(actor=actor, household=household, description=str(need["description"]).strip(),
                         visit_id=visit.pk)
            continue
        case = case_report(
            actor=actor,
            category=_category(need.get("category_id")),
            description=str(need["description"]).strip(),
            source=Source.GRID_WORKER,
            address=f"{household.address}{household.room}"[:200],
            grid=household.grid,
            private=True,  # a visit's needs are never public
        )
        VisitNeed.objects.create(visit=visit, case=case)
    return visit


# ---------------------------------------------------------------- assignments


def _grid_for_assignment(actor, grid: Area) -> None:
    if grid.kind != AreaKind.GRID or not can_assign_in(actor, grid.path):
        raise NotFoundOrForbidden(_("未找到该网格"))


def _require_active_worker(worker) -> None:
    if worker is None or not worker.is_active:
        raise ApplicationError(_("请选择在岗的网格员"), field="worker")


def _grant_grid_role(*, actor, worker, grid: Area) -> None:
    if not RoleAssignment.objects.filter(user=worker, role=Role.GRID_WORKER, area=grid).exists():
        role_assign(actor=actor, user=worker, role=Role.GRID_WORKER, area=grid)


def _revoke_grid_role(*, actor, worker, grid: Area) -> None:
    deleted, _ = RoleAssignment.objects.filter(
        user=worker, role=Role.GRID_WORKER, area=grid
    ).delete()
    forget_role_assignments(worker)
    if deleted:
        audit_record(
            action="permission_change",
            actor=actor,
            obj=worker,
            detail={"revoked": Role.GRID_WORKER, "area": grid.code},
        )


@transaction.atomic
def grid_assign(*, actor, worker, grid: Area, since: date | None = None) -> GridAssignment:
    """Add a worker to a grid (a grid may have several); grants the grid-worker role."""
    _grid_for_assignment(actor, grid)
    _require_active_worker(worker)
    since = since or clock.today()
    current = GridAssignment.objects.filter(worker=worker, grid=grid, until__isnull=True).first()
    if current is not None:
        return current
    assignment = GridAssignment.objects.create(
        worker=worker, grid=grid, area_path=grid.path, since=since, created_by=actor
    )
    _grant_grid_role(actor=actor, worker=worker, grid=grid)
    audit_record(
        action="permission_change",
        actor=actor,
        obj=worker,
        detail={"grid_assigned": grid.code, "since": since.isoformat()},
    )
    return assignment


def _end_household_assignments(*, worker, grid: Area, on: date, hand_to=None, actor=None) -> int:
    moved = 0
    for assignment in HouseholdAssignment.objects.select_for_update().filter(
        worker=worker, grid=grid, until__isnull=True
    ):
        assignment.until = on
        assignment.save(update_fields=["until"])
        if hand_to is not None:
            HouseholdAssignment.objects.create(
                household_id=assignment.household_id,
                grid=grid,
                worker=hand_to,
                since=on,
                created_by=actor,
            )
        moved += 1
    return moved


@transaction.atomic
def grid_unassign(*, actor, worker, grid: Area, on: date | None = None) -> None:
    """The worker stops working the grid from ``on``; their visits and patrols stay."""
    _grid_for_assignment(actor, grid)
    on = on or clock.today()
    assignment = (
        GridAssignment.objects.select_for_update()
        .filter(worker=worker, grid=grid, until__isnull=True)
        .first()
    )
    if assignment is None:
        raise ApplicationError(_("该网格员当前不负责该网格"), field="worker")
    assignment.until = max(on, assignment.since)
    assignment.save(update_fields=["until"])
    _end_household_assignments(worker=worker, grid=grid, on=on)
    _revoke_grid_role(actor=actor, worker=worker, grid=grid)


@transaction.atomic
def grid_reassign(
    *, actor, grid: Area, from_worker, to_worker, on: date | None = None
) -> GridAssignment:
    """Hand a grid from one worker to another from ``on``: the households the first worker
    held move with it (future visits), past visits and patrols keep their worker."""
    _grid_for_assignment(actor, grid)
    if from_worker.pk == to_worker.pk:
        raise ApplicationError(_("请选择另一名网格员"), field="to_worker")
    on = on or clock.today()
    if not GridAssignment.objects.filter(
        worker=from_worker, grid=grid, until__isnull=True
    ).exists():
        raise ApplicationError(_("原网格员当前不负责该网格"), field="from_worker")
    assignment = grid_assign(actor=actor, worker=to_worker, grid=grid, since=on)
    _end_household_assignments(worker=from_worker, grid=grid, on=on, hand_to=to_worker, actor=actor)
    current = GridAssignment.objects.select_for_update().get(
        worker=from_worker, grid=grid, until__isnull=True
    )
    current.until = max(on, current.since)
    current.save(update_fields=["until"])
    _revoke_grid_role(actor=actor, worker=from_worker, grid=grid)
    return assignment


@transaction.atomic
def household_assign(
    *, actor, household: Household, worker, on: date | None = None
) -> HouseholdAssignment:
    """Give one household of a shared grid to one of the grid's workers from ``on``."""
    if not can_assign_in(actor, household.area_path):
        raise NotFoundOrForbidden(_("未找到该户"))
    on = on or clock.today()
    if not GridAssignment.objects.filter(
        active_q(on), worker=worker, grid_id=household.grid_id
    ).exists():
        raise ApplicationError(_("该网格员不负责这户所在的网格"), field="worker")
    current = (
        HouseholdAssignment.objects.select_for_update()
        .filter(household=household, until__isnull=True)
        .first()
    )
    if current is not None:
        if current.worker_id == worker.pk and current.grid_id == household.grid_id:
            return current
        current.until = max(on, current.since)
        current.save(update_fields=["until"])
    return HouseholdAssignment.objects.create(
        household=household,
        grid_id=household.grid_id,
        worker=worker,
        since=on,
        created_by=actor,
    )


@transaction.atomic
def grid_assignments_from_roles(*, since: date | None = None) -> int:
    """Open an assignment for every grid-worker role on a grid that has none yet (for
    accounts created before patrols existed, e.g. the demo). Returns rows created."""
    since = since or clock.today()
    created = 0
    roles = RoleAssignment.objects.filter(role=Role.GRID_WORKER, area__kind=AreaKind.GRID).current()
    for role in roles.select_related("area", "user"):
        open_rows = GridAssignment.objects.filter(
            Q(until__isnull=True), worker=role.user, grid=role.area
        )
        if not open_rows.exists():
            GridAssignment.objects.create(
                worker=role.user, grid=role.area, area_path=role.area.path, since=since
            )
            created += 1
    return created
