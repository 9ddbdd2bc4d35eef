"""The devolved-powers API: a street's catalogue, exercise records and assessment results,
scoped like the pages."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from wangge.core.errors import NotFoundOrForbidden

from . import permissions as perms
from . import selectors

API_PREFIX = "/powers"
router = Router(tags=["街道赋权"])


class PowerOut(Schema):
    code: str
    name: str
    kind: str
    received_on: date
    agreement: str


class ExerciseOut(Schema):
    id: int
    date: date
    matter: str
    outcome: str
    documents: str


class AssessmentOut(Schema):
    street: str
    department: str
    year: int
    total: Decimal
    status: str


@router.get("/streets/{street_id}/powers", response=list[PowerOut], summary="街道已承接的赋权事项")
def street_powers(request, street_id: int):
    try:
        street = selectors.street_get_for_user(user=request.user, street_id=street_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    rows = selectors.street_powers_visible_to(request.user).filter(street=street).select_related("item")
    return [
        {"code": p.item.code, "name": p.item.name, "kind": p.item.kind, "received_on": p.received_on,
         "agreement": p.agreement}
        for p in rows.order_by("item__code")
    ]


@router.get("/streets/{street_id}/exercises", response=list[ExerciseOut], summary="行权记录")
def exercises(request, street_id: int):
    try:
        street = selectors.street_get_for_user(user=request.user, street_id=street_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    return list(selectors.exercises_visible_to(request.user).filter(power__street=street).order_by("-date")[:500])


@router.get("/assessments", response=list[AssessmentOut], summary="派驻机构考核结果")
def assessments(request, year: int):
    if not perms.can_read_powers(request.user):
        raise Http404
    rows = selectors.assessments_visible_to(request.user).filter(year=year).select_related("street", "department")
    return [
        {"street": a.street.name, "department": a.department.name, "year": a.year, "total": a.total,
         "status": a.status}
        for a in rows.order_by("department__name")
    ]
