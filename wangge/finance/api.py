"""The rural-finance API: the demand list (read, collect, match, decline), the public
products catalogue, balances per area and a village's ratings — scoped like the pages,
refusals as field-level errors."""

from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from wangge.audit.services import audit_record
from wangge.core.errors import NotFoundOrForbidden, PermissionRefused

from . import loans as loan_figures
from . import permissions as perms
from . import selectors, services_demand
from .models import DemandSource

API_PREFIX = "/finance"
router = Router(tags=["普惠金融"])


def _require(request, predicate):
    if not predicate(request.user):
        raise PermissionRefused()


class DemandOut(Schema):
    id: int
    village_id: int
    household_id: int | None
    purpose: str
    amount: Decimal | None
    term_months: int | None
    guarantee: str
    status: str
    product_id: int | None
    decline_reason: str
    source: str


class DemandIn(Schema):
    village_id: int
    household_id: int | None = None
    purpose: str
    amount: Decimal = Field(..., gt=0)
    term_months: int = Field(..., ge=1, le=360)
    guarantee: str = ""
    description: str = Field("", max_length=500)


class MatchIn(Schema):
    product_id: int
    purpose: str = ""
    amount: Decimal | None = None
    term_months: int | None = None


class DeclineIn(Schema):
    reason: str = Field(..., max_length=200)


class ProductOut(Schema):
    id: int
    institution: str = Field(..., alias="institution.name")
    name: str
    purpose: str
    rate_min: Decimal
    rate_max: Decimal
    term_months: int
    ceiling: Decimal
    applicant: str


class BalanceOut(Schema):
    area_id: int
    name: str
    balance: Decimal
    last_year: Decimal
    change: Decimal


class RatingOut(Schema):
    household_id: int
    year: int
    total: Decimal
    grade: str
    creditworthy: bool


@router.get("/demands", response=list[DemandOut], summary="需求清单（本人辖区）")
def demands(request, status: str = "", village_id: int | None = None, limit: int = Query(100, ge=1, le=500),
            offset: int = Query(0, ge=0)):
    _require(request, perms.can_read_finance)
    rows = selectors.demands_visible_to(request.user)
    if status:
        rows = rows.filter(status=status)
    if village_id:
        rows = rows.filter(village_id=village_id)
    return list(rows.order_by("-created_at", "-pk")[offset:offset + limit])


@router.post("/demands", response={201: DemandOut}, summary="登记金融需求")
def demand_collect(request, payload: DemandIn):
    _require(request, perms.can_write_finance)
    demand = services_demand.demand_collect(
        actor=request.user, village_id=payload.village_id, household_id=payload.household_id,
        purpose=payload.purpose, amount=payload.amount, term_months=payload.term_months,
        guarantee=payload.guarantee, description=payload.description, source=DemandSource.PHONE)
    return 201, demand


@router.post("/demands/{demand_id}/match", response=DemandOut, summary="对接贷款产品")
def demand_match(request, demand_id: int, payload: MatchIn):
    _require(request, perms.can_write_finance)
    return services_demand.demand_match(actor=request.user, demand_id=demand_id, product_id=str(payload.product_id),
                                        purpose=payload.purpose, amount=payload.amount,
                                        term_months=payload.term_months)


@router.post("/demands/{demand_id}/decline", response=DemandOut, summary="记录未获贷")
def demand_decline(request, demand_id: int, payload: DeclineIn):
    _require(request, perms.can_write_finance)
    return services_demand.demand_decline(actor=request.user, demand_id=demand_id, reason=payload.reason)


@router.get("/products", response=list[ProductOut], auth=None, summary="贷款产品目录（公开）")
def products(request):
    return list(selectors.products_on_offer().order_by("institution__code", "name"))


@router.get("/areas/{area_id}/balances", response=list[BalanceOut], summary="贷款余额与同比（下级区域）")
def balances(request, area_id: int):
    _require(request, perms.can_read_finance)
    try:
        node = selectors.area_get_for_user(user=request.user, area_id=area_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    base = selectors.balances_visible_to(request.user)
    period = loan_figures.latest_period(base.filter(area_path__startswith=node.path))
    if period is None:
        return []
    _total, rows = loan_figures.balances_by_child(base=base, node=node, period=period)
    return [{"area_id": r.area.pk, "name": r.area.name, "balance": r.balance, "last_year": r.last_year,
             "change": r.change} for r in rows]


@router.get("/villages/{village_id}/ratings", response=list[RatingOut], summary="村信用评级（金融角色）")
def ratings(request, village_id: int, year: int):
    _require(request, perms.can_read_finance)
    try:
        village = selectors.village_get_for_user(user=request.user, village_id=village_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    rows = list(selectors.ratings_visible_to(request.user).filter(village=village, year=year).order_by("household_id"))
    audit_record(action="finance_reveal", actor=request.user, request=request, object_type="areas.area",
                 object_id=str(village.pk), detail={"year": year, "rows": len(rows)})
    return rows

