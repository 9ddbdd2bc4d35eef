"""Writes of the demand lists: collect a household's or a village collective's need
(from the phone page, or handed over by a grid worker's visit), match it to a product,
record the loan granted or the reason it was declined. Scope is checked on the village;
an audit row each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

from . import selectors
from .models import (
    Applicant,
    Demand,
    DemandSource,
    DemandStatus,
    Guarantee,
    Loan,
    Product,
    Purpose,
    Rating,
)

MAX_AMOUNT = Decimal("100000")  # 万元: ten hundred-million yuan, far above any rural need


def _text(value, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("此项为必填项"), field=field)
    if len(text) > limit:
        raise ApplicationError(_("不能超过 {n} 个字").format(n=limit), field=field)
    return text


def amount_checked(value, field: str = "amount", *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(_("请填写金额（万元）"), field=field)
        return None
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("金额应为数字（万元）"), field=field) from None
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ApplicationError(_("金额应在 0.01 到 100000 万元之间"), field=field)
    return amount


def _term(value, field: str = "term_months", *, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(_("请填写期限（月）"), field=field)
        return None
    try:
        term = int(str(value).strip())
    except ValueError:
        raise ApplicationError(_("期限应为 1–360 的整月数"), field=field) from None
    if not 1 <= term <= 360:
        raise ApplicationError(_("期限应为 1–360 的整月数"), field=field)
    return term


@transaction.atomic
def demand_collect(*, actor, village_id, household_id=None, purpose: str, amount, term_months,
                   guarantee: str = "", description: str = "", source: str = DemandSource.PHONE) -> Demand:
    """Collect a need: a household's (``household_id``) or the village collective's."""
    village = selectors.village_get_for_user(user=actor, village_id=village_id, write=True)
    household = None
    if household_id not in (None, ""):
        household = selectors.households_visible_to(actor, write=True).filter(
            pk=household_id, area_path__startswith=village.path).first()
        if household is None:
            raise ApplicationError(_("请选择本村的户"), field="household")
    if purpose not in Purpose.values:
        raise ApplicationError(_("请选择用途"), field="purpose")
    if household is not None and purpose == Purpose.COLLECTIVE:
        raise ApplicationError(_("村集体经济需求请不要选择户"), field="purpose")
    if guarantee and guarantee not in Guarantee.values:
        raise ApplicationError(_("请选择担保方式"), field="guarantee")
    if source not in DemandSource.values:
        source = DemandSource.PHONE
    now = clock.now()
    demand = Demand.objects.create(
        village=village, household=household, area_path=household.area_path if household else village.path,
        purpose=purpose, amount=amount_checked(amount), term_months=_term(term_months),
        guarantee=guarantee, description=_text(description, "description", 500), source=source,
        recorded_by=actor, created_at=now, updated_at=now,
    )
    audit_record(action="finance_demand_collect", actor=actor, obj=demand,
                 detail={"village": village.pk, "collective": household is None})
    return demand


def demand_from_visit(*, actor, household, description: str, visit_id: int) -> Demand:
    """A grid worker's visit raised a finance need (wangge.people.needs): it joins the
    village's demand list as collected, for the assistant to check and match. The visit
    has already checked that the worker serves the household's grid."""
    village = selectors.village_of(household)
    now = clock.now()
    demand = Demand.objects.create(
        village=village, household=household, area_path=household.area_path, purpose="",
        description=_text(description, "needs", 500), source=DemandSource.VISIT, visit_id=visit_id,
        recorded_by=actor, created_at=now, updated_at=now,
    )
    audit_record(action="finance_demand_collect", actor=actor, obj=demand,
                 detail={"village": village.pk, "visit": visit_id})
    return demand


def _locked(actor, demand_id) -> Demand:
    demand = selectors.demands_visible_to(actor, write=True).select_for_update().filter(pk=demand_id).first()
    if demand is None:
        raise NotFoundOrForbidden()
    return demand


def creditworthy(household_id: int) -> bool:
    year = clock.today().year
    return Rating.objects.filter(household_id=household_id, year__in=(year, year - 1), creditworthy=True).exists()


@transaction.atomic
def demand_match(*, actor, demand_id, product_id, purpose: str = "", amount=None, term_months=None) -> Demand:
    """Match a collected need to a product of the catalogue (checking who may apply and
    the product's ceiling and term). A visit's need gets its purpose, amount and term here."""
    demand = _locked(actor, demand_id)
    if demand.status not in (DemandStatus.COLLECTED, DemandStatus.MATCHED):
        raise ApplicationError(_("该需求已办结"), code="conflict")
    if purpose:
        if purpose not in Purpose.values:
            raise ApplicationError(_("请选择用途"), field="purpose")
        demand.purpose = purpose
    if amount not in (None, ""):
        demand.amount = amount_checked(amount)
    if term_months not in (None, ""):
        demand.term_months = _term(term_months)
    if not demand.purpose:
        raise ApplicationError(_("请选择用途"), field="purpose")
    if demand.amount is None:
        raise ApplicationError(_("请填写金额（万元）"), field="amount")
    product = Product.objects.filter(pk=product_id, active=True).select_related("institution").first() \
        if str(product_id or "").isdigit() else None
    if product is None:
        raise ApplicationError(_("请选择在售的贷款产品"), field="product")
    if demand.collective != (product.applicant == Applicant.COLLECTIVE):
        raise ApplicationError(_("该产品的申请对象与需求不符"), field="product")
    if product.applicant == Applicant.CREDIT_HOUSEHOLD and not creditworthy(demand.household_id):
        raise ApplicationError(_("该产品只面向评为 A 级及以上的信用户"), field="product")
    if demand.amount > product.ceiling:
        raise ApplicationError(_("需求金额超过该产品最高额度 {n} 万元").format(n=product.ceiling), field="amount")
    if demand.term_months and demand.term_months > product.term_months:
        raise ApplicationError(_("需求期限超过该产品最长期限 {n} 个月").format(n=product.term_months),
                               field="term_months")
    demand.product = product
    demand.status = DemandStatus.MATCHED
    demand.updated_at = clock.now()
    demand.save()
    audit_record(action="finance_demand_match", actor=actor, obj=demand, detail={"product": product.pk})
    return demand


@transaction.atomic
def demand_grant(*, actor, demand_id, amount, granted_on: date | None, contract: str,
                 matures_on: date | None = None) -> Loan:
    """The institution granted the matched need: record the loan."""
    demand = _locked(actor, demand_id)
    if demand.status != DemandStatus.MATCHED or demand.product_id is None:
        raise ApplicationError(_("请先对接贷款产品"), code="conflict")
    amount = amount_checked(amount)
    if amount > demand.product.ceiling:
        raise ApplicationError(_("放款金额超过该产品最高额度 {n} 万元").format(n=demand.product.ceiling),
                               field="amount")
    if granted_on is None:
        raise ApplicationError(_("请填写放款日期"), field="granted_on")
    if granted_on > clock.today():
        raise ApplicationError(_("日期不能晚于今天"), field="granted_on")
    if matures_on is not None and matures_on <= granted_on:
        raise ApplicationError(_("到期日期应晚于放款日期"), field="matures_on")
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                institution=demand.product.institution, contract=_text(contract, "contract", 40, required=True),
                village=demand.village, household=demand.household, product=demand.product, demand=demand,
                amount=amount, granted_on=granted_on, matures_on=matures_on, area_path=demand.area_path,
            )
    except IntegrityError:
        raise ApplicationError(_("该机构已有此合同编号"), field="contract") from None
    demand.status = DemandStatus.GRANTED
    demand.updated_at = clock.now()
    demand.save(update_fields=["status", "updated_at"])
    audit_record(action="finance_demand_grant", actor=actor, obj=demand, detail={"loan": loan.pk})
    return loan


@transaction.atomic
def demand_decline(*, actor, demand_id, reason: str) -> Demand:
    demand = _locked(actor, demand_id)
    if demand.status not in (DemandStatus.COLLECTED, DemandStatus.MATCHED):
        raise ApplicationError(_("该需求已办结"), code="conflict")
    demand.decline_reason = _text(reason, "reason", 200, required=True)
    demand.status = DemandStatus.DECLINED
    demand.updated_at = clock.now()
    demand.save()
    audit_record(action="finance_demand_decline", actor=actor, obj=demand)
    return demand
