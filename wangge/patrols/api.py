"""The grid worker app's API: today's work, patrols, visits, findings, household lookup.

Every POST accepts an ``Idempotency-Key`` header: the phone resends queued records until
it gets an answer, and a replay returns the first answer without writing again."""

import hashlib
from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from wangge.cases.models import Category
from wangge.cases.selectors import case_list_visible_to
from wangge.core import clock
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.core.idempotency import idempotent_call
from wangge.core.masking import mask_id_number, mask_phone
from wangge.patrols import selectors, services
from wangge.patrols.models import Duty, Patrol, Visit, VisitMode, VisitOutcome
from wangge.patrols.permissions import can_work_grids
from wangge.people.models import Cadence, Gender, Relation, ResidenceStatus
from wangge.people.needs import need_kinds

API_PREFIX = "/patrols"
router = Router(tags=["巡查走访"])

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A database id: out-of-range numbers are refused as invalid input, never reach the query.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _require_worker(request) -> None:
    if not can_work_grids(request.user):
        raise PermissionRefused(_("只有网格员可以使用网格员工作台"))


# ---------------------------------------------------------------- schemas


class GridOut(Schema):
    id: int
    code: str
    name: str


class PatrolOut(Schema):
    client_ref: str
    grid_id: int
    grid_name: str
    date: date
    started_at: datetime
    ended_at: datetime | None
    duties: list[str]
    findings: int


class WindowOut(Schema):
    cadence: str
    cadence_label: str
    due: date
    earliest: date
    latest: date
    status: str
    last_visit: date | None


class DueOut(Schema):
    household_id: int
    code: str
    address: str
    room: str
    grid_name: str
    head_name: str
    window: WindowOut


class Choice(Schema):
    value: str
    label: str


class CategoryOut(Schema):
    id: int
    name: str


class CaseBrief(Schema):
    id: int
    number: str
    category: str
    address: str
    status: str


class TodayOut(Schema):
    date: date
    user_id: int
    worker_name: str
    grids: list[GridOut]
    patrol: PatrolOut | None
    overdue: list[DueOut]
    due_today: list[DueOut]
    due_this_week: list[DueOut]
    cases_to_verify: list[CaseBrief]
    duties: list[Choice]
    modes: list[Choice]
    outcomes: list[Choice]
    change_fields: list[Choice]
    categories: list[CategoryOut]
    need_kinds: list[Choice] = []


class ResidentOut(Schema):
    name: str
    gender: str
    relation: str
    residence_status: str
    birth_year: int | None
    id_number: str
    phone: str
    tags: list[str]


class VisitBrief(Schema):
    date: date
    mode: str
    outcome: str
    worker: str


class HouseholdOut(Schema):
    id: int
    code: str
    address: str
    room: str
    grid_name: str
    window: WindowOut
    residents: list[ResidentOut] = []
    recent_visits: list[VisitBrief] = []


class PatrolStartIn(Schema):
    client_ref: str = Field(min_length=1, max_length=64)
    grid_id: RowId
    started_at: datetime | None = None
    duties: list[str] = []


class PointIn(Schema):
    lat: float
    lng: float
    at: str = ""


class PatrolEndIn(Schema):
    client_ref: str = Field(min_length=1, max_length=64)
    ended_at: datetime | None = None
    points: list[PointIn] = []
    duties: list[str] = []
    notes: str = Field("", max_length=2000)


class NeedIn(Schema):
    # A case category; or ``kind``: another domain's kind of need (wangge.people.needs).
    category_id: RowId | None = None
    kind: str = Field("", max_length=30)
    description: str = Field(max_length=1000)


class VisitIn(Schema):
    household_id: RowId
    at: datetime | None = None
    mode: str
    outcome: str
    notes: str = Field("", max_length=2000)
    duty: str = ""
    needs: list[NeedIn] = []
    changes: dict[str, str] = {}


class VisitOut(Schema):
    id: int
    household_id: int
    date: date
    mode: str
    outcome: str
    timing: str
    cadence: str
    cases: list[str]


class FindingOut(Schema):
    case_id: int
    case_number: str
    patrol_ref: str


class SessionOut(Schema):
    user_id: int


# ---------------------------------------------------------------- helpers


def _choices(enum) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in enum.choices]


def _window_out(window, status_on: date, last_visit: date | None) -> dict:
    return {
        "cadence": window.cadence,
        "cadence_label": str(Cadence(window.cadence).label),
        "due": window.due,
        "earliest": window.earliest,
        "latest": window.latest,
        "status": window.status(status_on),
        "last_visit": last_visit,
    }


def _due_out(item: selectors.DueItem, today: date) -> dict:
    household = item.household
    return {
        "household_id": household.id,
        "code": household.code,
        "address": household.address,
        "room": household.room,
        "grid_name": household.grid.name,
        "head_name": item.head_name,
        "window": _window_out(item.window, today, household.last_visit),
    }


def _categories() -> list[dict]:
    leaves = Category.objects.filter(active=True, numchild=0).order_by("path")
    return [{"id": c.id, "name": c.name} for c in leaves]


def _cases_to_verify(user) -> list[dict]:
    cases = case_list_visible_to(user=user, box="to_verify")[:50]
    return [
        {
            "id": c.id,
            "number": c.number,
            "category": c.category.name,
            "address": c.address,
            "status": c.get_status_display(),
        }
        for c in cases
    ]


def _resident_out(resident) -> dict:
    tags = [_("特殊关爱对象") if tag.sensitive else tag.name for tag in resident.care_tags.all()]
    return {
        "name": resident.name,
        "gender": str(Gender(resident.gender).label) if resident.gender in Gender.values else "",
        "relation": str(Relation(resident.relation).label)
        if resident.relation in Relation.values
        else "",
        "residence_status": str(ResidenceStatus(resident.residence_status).label)
        if resident.residence_status in ResidenceStatus.values
        else "",
        "birth_year": resident.birth_date.year if resident.birth_date else None,
        "id_number": mask_id_number(resident.id_number),
        "phone": mask_phone(resident.phone),
        "tags": sorted(set(tags)),
    }


def _household_out(household, today: date, *, detail: bool = False) -> dict:
    window = selectors.window_of(household)
    out = {
        "id": household.id,
        "code": household.code,
        "address": household.address,
        "room": household.room,
        "grid_name": household.grid.name,
        "window": _window_out(window, today, household.last_visit),
    }
    if detail:
        residents = household.residents.prefetch_related("care_tags").order_by("relation", "id")
        out["residents"] = [_resident_out(r) for r in residents]
        visits = household.visits.select_related("worker").order_by("-at")[:5]
        out["recent_visits"] = [
            {
                "date": v.date,
                "mode": v.get_mode_display(),
                "outcome": v.get_outcome_display(),
                "worker": str(v.worker),
            }
            for v in visits
        ]
    return out


def _visit_out(visit: Visit) -> dict:
    return VisitOut.model_validate(
        {
            "id": visit.id,
            "household_id": visit.household_id,
            "date": visit.date,
            "mode": visit.mode,
            "outcome": visit.outcome,
            "timing": visit.timing,
            "cadence": visit.cadence,
            "cases": [need.case.number for need in visit.needs.select_related("case")],
        }
    ).model_dump(mode="json")


def _patrol_out(patrol: Patrol) -> dict:
    return PatrolOut.model_validate(
        {
            "client_ref": patrol.client_ref,
            "grid_id": patrol.grid_id,
            "grid_name": patrol.grid.name,
            "date": patrol.date,
            "started_at": patrol.started_at,
            "ended_at": patrol.ended_at,
            "duties": patrol.duties,
            "findings": patrol.findings.count(),
        }
    ).model_dump(mode="json")


def _idempotent(*, request, scope: str, payload, perform) -> Status:
    status, body = idempotent_call(request=request, scope=scope, payload=payload, perform=perform)
    return Status(status, body)


# ---------------------------------------------------------------- reads


@router.get("/session", response=SessionOut, summary="当前登录的账号（手机上离线数据的归属）")
def session(request):
    """Who is signed in, for any account (401 when nobody is): on start the app keeps the
    data on the phone only if it belongs to this account, and wipes it otherwise."""
    return {"user_id": request.user.pk}


@router.get("/today", response=TodayOut, summary="今日工作：巡查、应访户、待核查案件")
def today(request):
    _require_worker(request)
    user = request.user
    lists = selectors.visit_due_lists(worker=user)
    patrol = (
        Patrol.objects.filter(worker=user, ended_at__isnull=True).select_related("grid").first()
        or Patrol.objects.filter(worker=user, date=lists.today)
        .select_related("grid")
        .order_by("-started_at")
        .first()
    )
    return {
        "date": lists.today,
        "user_id": user.id,
        "worker_name": str(user),
        "grids": selectors.worker_grids(worker=user),
        "patrol": _patrol_out(patrol) if patrol is not None else None,
        "overdue": [_due_out(i, lists.today) for i in lists.overdue],
        "due_today": [_due_out(i, lists.today) for i in lists.due_today],
        "due_this_week": [_due_out(i, lists.today) for i in lists.due_this_week],
        "cases_to_verify": _cases_to_verify(user),
        "duties": _choices(Duty),
        "modes": _choices(VisitMode),
        "outcomes": _choices(VisitOutcome),
        "change_fields": [
            {"value": k, "label": str(v)} for k, v in services.CHANGE_FIELDS.items()
        ],
        "categories": _categories(),
        "need_kinds": [{"value": k.key, "label": str(k.label)} for k in need_kinds()],
    }


@router.get("/households", response=list[HouseholdOut], summary="查找本网格的户（脱敏）")
def household_lookup(request, q: str = ""):
    _require_worker(request)
    today_ = clock.today()
    households = selectors.household_lookup(worker=request.user, q=q[:50]).select_related("grid")
    return [_household_out(h, today_) for h in households]


@router.get("/households/{household_id}", response=HouseholdOut, summary="户详情（脱敏）")
def household_detail(request, household_id: RowId):
    _require_worker(request)
    household = selectors.household_get_for_worker(worker=request.user, household_id=household_id)
    annotated = (
        selectors.with_window_fields(selectors.households_in_worker_grids(worker=request.user))
        .select_related("grid")
        .get(pk=household.pk)
    )
    return _household_out(annotated, clock.today(), detail=True)


# ---------------------------------------------------------------- writes


@router.post("/patrols/start", response={200: PatrolOut, 201: PatrolOut}, summary="开始巡查")
def patrol_start(request, payload: PatrolStartIn):
    _require_worker(request)

    def perform():
        patrol = services.patrol_start(
            actor=request.user,
            grid_id=payload.grid_id,
            client_ref=payload.client_ref,
            started_at=payload.started_at,
            duties=payload.duties,
        )
        return 201, _patrol_out(patrol)

    return _idempotent(
        request=request,
        scope="patrols.start",
        payload=payload.model_dump(mode="json"),
        perform=perform,
    )


@router.post("/patrols/end", response={200: PatrolOut}, summary="结束巡查（可附轨迹点）")
def patrol_end(request, payload: PatrolEndIn):
    _require_worker(request)

    def perform():
        patrol = services.patrol_end(
            actor=request.user,
            client_ref=payload.client_ref,
            ended_at=payload.ended_at,
            points=[p.model_dump() for p in payload.points],
            duties=payload.duties,
            notes=payload.notes,
        )
        return 200, _patrol_out(patrol)

    return _idempotent(
        request=request,
        scope="patrols.end",
        payload=payload.model_dump(mode="json"),
        perform=perform,
    )


@router.post("/visits", response={201: VisitOut}, summary="记录走访（诉求转为案件）")
def visit_record(request, payload: VisitIn):
    _require_worker(request)

    def perform():
        visit = services.visit_record(
            actor=request.user,
            household_id=payload.household_id,
            at=payload.at,
            mode=payload.mode,
            outcome=payload.outcome,
            notes=payload.notes,
            duty=payload.duty,
            needs=[n.model_dump() for n in payload.needs],
            changes=payload.changes,
        )
        return 201, _visit_out(visit)

    return _idempotent(
        request=request,
        scope="patrols.visit",
        payload=payload.model_dump(mode="json"),
        perform=perform,
    )


class FindingForm(Schema):
    grid_id: RowId
    category_id: RowId
    description: str = Field(min_length=1, max_length=2000)
    patrol_ref: str = Field("", max_length=64)
    duty: str = ""
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=200)


@router.post("/findings", response={201: FindingOut}, summary="上报问题（可附照片和位置）")
def finding_report(request, data: Form[FindingForm], photo: File[UploadedFile] = None):
    _require_worker(request)
    payload = data.model_dump(mode="json")
    if photo is not None:
        if photo.size > MAX_PHOTO_BYTES:
            raise ApplicationError(_("照片不能超过 10 MB"), field="photo")
        digest = hashlib.sha256()
        for chunk in photo.chunks():
            digest.update(chunk)
        photo.seek(0)
        payload["photo"] = {"sha256": digest.hexdigest(), "size": photo.size}

    def perform():
        try:
            case = services.patrol_finding_report(
                actor=request.user,
                grid_id=data.grid_id,
                category_id=data.category_id,
                description=data.description,
                patrol_ref=data.patrol_ref,
                duty=data.duty,
                lat=data.lat,
                lng=data.lng,
                address=data.address,
                photos=(photo,) if photo is not None else (),
            )
        except ApplicationError as exc:
            if exc.field == "photos":
                exc.field = "photo"  # the parameter the phone sent
            raise
        return 201, {"case_id": case.id, "case_number": case.number, "patrol_ref": data.patrol_ref}

    return _idempotent(request=request, scope="patrols.finding", payload=payload, perform=perform)
