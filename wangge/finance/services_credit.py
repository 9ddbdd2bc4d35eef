"""Writes of credit data: a household's consent (credit rows are kept only while it is in
force), the village assessment group's rating, and a person's confirmation of a credit
village or town the rules propose. Scope checked; an audit row each."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.areas.models import AreaKind
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError

from . import permissions as perms
from . import selectors
from .credit import band_for, model_in_force, town_figures, village_figures, weighted_total
from .models import AdverseRecord, Consent, CreditDesignation, Rating
from .services_demand import _text


@transaction.atomic
def consent_record(*, actor, household_id, given_on: date | None, evidence: str) -> Consent:
    household = selectors.household_get_for_user(user=actor, household_id=household_id, write=True)
    if given_on is None:
        raise ApplicationError(_("请填写授权日期"), field="given_on")
    if given_on > clock.today():
        raise ApplicationError(_("日期不能晚于今天"), field="given_on")
    existing = Consent.objects.select_for_update().filter(household=household, withdrawn_on__isnull=True).first()
    if existing is not None:
        raise ApplicationError(_("该户已有有效授权"), code="conflict")
    consent = Consent.objects.create(household=household, area_path=household.area_path, given_on=given_on,
                                     evidence=_text(evidence, "evidence", 120, required=True), recorded_by=actor)
    audit_record(action="finance_consent", actor=actor, obj=consent, detail={"household": household.pk})
    return consent


@transaction.atomic
def consent_withdraw(*, actor, household_id) -> int:
    """The household withdraws its consent: its ratings and adverse records go at once."""
    household = selectors.household_get_for_user(user=actor, household_id=household_id, write=True)
    updated = Consent.objects.filter(household=household, withdrawn_on__isnull=True).update(withdrawn_on=clock.today())
    if not updated:
        raise ApplicationError(_("该户没有有效授权"), code="conflict")
    deleted = Rating.objects.filter(household=household).delete()[0]
    deleted += AdverseRecord.objects.filter(household=household).delete()[0]
    audit_record(action="finance_consent_withdraw", actor=actor, object_type="people.household",
                 object_id=str(household.pk), detail={"deleted": deleted})
    return deleted


def _score(value, field: str) -> float:
    if value in (None, ""):
        raise ApplicationError(_("请填写 0–100 的分数"), field=field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("请填写 0–100 的分数"), field=field) from None
    if not 0 <= number <= 100:
        raise ApplicationError(_("请填写 0–100 的分数"), field=field)
    return round(number, 1)


@transaction.atomic
def rating_save(*, actor, household_id, year: int, scores: dict, evidence: str, group: str,
                rated_on: date | None = None) -> Rating:
    """The village assessment group rates a household for ``year`` (again: replaces it)."""
    household = selectors.household_get_for_user(user=actor, household_id=household_id, write=True)
    if not Consent.objects.filter(household=household, withdrawn_on__isnull=True).exists():
        raise ApplicationError(_("该户未授权采集信用信息，不能评级"), field="household")
    today = clock.today()
    if not today.year - 1 <= int(year) <= today.year:
        raise ApplicationError(_("只能评定本年度或上一年度"), field="year")
    model = model_in_force()
    if model is None:
        raise ApplicationError(_("尚未配置信用评分模型"), code="conflict")
    criteria = list(model.criteria.all())
    cleaned = {str(c.pk): _score(scores.get(str(c.pk)), f"c{c.pk}") for c in criteria}
    total = weighted_total(cleaned, criteria)
    band = band_for(total, list(model.bands.all()))
    rating, _created = Rating.objects.update_or_create(
        household=household, year=int(year),
        defaults={"village": selectors.village_of(household), "area_path": household.area_path, "model": model,
                  "scores": cleaned, "total": total, "grade": band.grade if band else "",
                  "creditworthy": bool(band and band.creditworthy),
                  "evidence": _text(evidence, "evidence", 500, required=True),
                  "group": _text(group, "group", 200, required=True), "rated_by": actor,
                  "rated_on": rated_on or today},
    )
    audit_record(action="finance_rate", actor=actor, obj=rating, detail={"year": rating.year})
    return rating


@transaction.atomic
def designation_confirm(*, actor, area_id, year: int) -> CreditDesignation:
    """A finance officer confirms a credit village or town the rules propose now."""
    if not perms.can_confirm_credit(actor):
        raise ApplicationError(_("只有金融办专员可以确认信用村镇"), code="forbidden")
    area = selectors.area_get_for_user(user=actor, area_id=area_id, write=True)
    if area.kind == AreaKind.COMMUNITY:
        (figures,) = village_figures([area], year)
        level = CreditDesignation.Level.VILLAGE
    elif area.kind == AreaKind.STREET:
        (figures,) = town_figures([area], year)
        level = CreditDesignation.Level.TOWN
    else:
        raise ApplicationError(_("只能确认村或乡镇"), field="area")
    if figures.confirmed:
        raise ApplicationError(_("该村镇本年度已确认"), code="conflict")
    if not figures.meets:
        raise ApplicationError(_("未达到评定规则，不能确认"), code="conflict")
    designation = CreditDesignation.objects.create(
        area=area, level=level, year=year, area_path=area.path, figures=figures.as_dict(),
        confirmed_by=actor, confirmed_at=clock.now())
    audit_record(action="finance_credit_confirm", actor=actor, obj=designation, detail={"year": year})
    return designation
