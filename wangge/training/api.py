"""The training API: the ledger (scoped like the pages), classes, and the phone's
check-in and leave (with an idempotency key)."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema, Status

from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

from . import permissions as perms
from . import selectors, services
from .ledger import annual_ledger, cadre_ledger

API_PREFIX = "/training"
router = Router(tags=["干部教育培训"])


class YearOut(Schema):
    year: int
    by_source: dict[str, Decimal]
    total: Decimal
    carried_in: Decimal
    required: Decimal
    missing: Decimal
    met: bool


class LedgerRowOut(Schema):
    cadre_id: int
    name: str
    unit: str
    year: YearOut


class ClassOut(Schema):
    id: int
    title: str
    kind: str
    start: date
    end: date
    hours: Decimal
    full_time: bool


class CheckInIn(Schema):
    token: str


class LeaveIn(Schema):
    hours: Decimal
    reason: str
    key: str = ""


def _deny():
    raise Http404


@router.get("/ledger", response=list[LedgerRowOut], summary="学时台账（我范围内的干部）")
def ledger(request, year: int | None = None, unit: int | None = None):
    if not perms.can_read_ledgers(request.user):
        _deny()
    cadres = selectors.cadres_visible_to(request.user).filter(active=True)
    if unit is not None:
        cadres = cadres.filter(unit_id=unit)
    return annual_ledger(cadres=cadres, year=year or clock.today().year)


@router.get("/cadres/{cadre_id}/ledger", response=list[YearOut], summary="某干部各年度学时")
def cadre_years(request, cadre_id: int):
    try:
        cadre = selectors.cadre_get_for_user(user=request.user, cadre_id=cadre_id)
    except NotFoundOrForbidden:
        _deny()
    this = clock.today().year
    return cadre_ledger(cadre=cadre, years=[this - 1, this])


@router.get("/classes", response=list[ClassOut], summary="培训班次")
def classes(request, year: int | None = None):
    found = selectors.classes_visible_to(request.user).order_by("-start")
    if year:
        found = found.filter(start__year=year)
    return list(found[:200])


@router.post("/check-in", response={200: dict, 400: dict}, summary="扫码签到")
def check_in(request, payload: CheckInIn):
    try:
        attendance = services.check_in(actor=request.user, token=payload.token)
    except NotFoundOrForbidden:
        _deny()
    except ApplicationError as exc:
        return Status(400, {"detail": exc.message, "code": exc.code})
    return Status(200, {"day": attendance.day.isoformat(), "at": attendance.at.isoformat()})


@router.post("/classes/{class_id}/leave", response={201: dict, 400: dict}, summary="请假")
def leave(request, class_id: int, payload: LeaveIn):
    key = payload.key or request.headers.get("Idempotency-Key", "")
    try:
        found = services.leave_request(actor=request.user, class_id=class_id, hours=payload.hours,
                                       reason=payload.reason, key=key)
    except NotFoundOrForbidden:
        _deny()
    except ApplicationError as exc:
        return Status(400, {"detail": exc.message, "code": exc.code})
    return Status(201, {"id": found.pk, "status": found.status})
