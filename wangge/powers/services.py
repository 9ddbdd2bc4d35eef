"""Writes of devolved powers: a street's staff write their own street only (scope checked
against the street, an audit row each; assessments under a version check)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

from . import selectors
from .models import Assessment, PowerExercise, PowerItem, StreetPower
from .scoring import criteria_in_force, weighted_total


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("此项为必填项"), field=field)
    if len(text) > limit:
        raise ApplicationError(_("不能超过 {n} 个字").format(n=limit), field=field)
    return text


@transaction.atomic
def power_take_on(*, actor, street_id: int, item_id: int, received_on: date, agreement: str = "",
                  note: str = "") -> StreetPower:
    """A street records that it has taken on an item of the city's standard list."""
    street = selectors.street_get_for_user(user=actor, street_id=street_id, write=True)
    item = PowerItem.objects.filter(pk=item_id, active=True).first()
    if item is None:
        raise NotFoundOrForbidden()
    try:
        with transaction.atomic():
            power = StreetPower.objects.create(
                street=street, item=item, received_on=received_on, area_path=street.path,
                agreement=_text(agreement, "agreement", 120, required=False),
                note=_text(note, "note", 200, required=False),
            )
    except IntegrityError:
        raise ApplicationError(_("本街道已承接该事项"), code="conflict") from None
    audit_record(action="powers_take_on", actor=actor, obj=power, detail={"item": item.code})
    return power


@transaction.atomic
def exercise_record(*, actor, power_id: int, on: date, matter: str, outcome: str = "",
                    documents: str = "", key: str = "") -> PowerExercise:
    power = (
        StreetPower.objects.filter_to_scope(actor, roles=selectors.perms.WRITE_ROLES)
        .select_for_update().filter(pk=power_id).first()
    )
    if power is None:
        raise NotFoundOrForbidden()
    key = (key or "")[:64]
    if key:
        existing = power.exercises.filter(key=key).first()
        if existing is not None:
            return existing
    if on > clock.today():
        raise ApplicationError(_("日期不能晚于今天"), field="date")
    exercise = PowerExercise.objects.create(
        power=power, date=on, matter=_text(matter, "matter", 200),
        outcome=_text(outcome, "outcome", 2000, required=False),
        documents=_text(documents, "documents", 200, required=False),
        recorded_by=actor, key=key, area_path=power.area_path, created_at=clock.now(),
    )
    audit_record(action="powers_exercise", actor=actor, obj=exercise, detail={"power": power.pk})
    return exercise


def _score(value, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("请填写 0–100 的分数"), field=field) from None
    if not 0 <= number <= 100:
        raise ApplicationError(_("请填写 0–100 的分数"), field=field)
    return round(number, 1)


@transaction.atomic
def assessment_save(*, actor, street_id: int, department_id: int, year: int, scores: dict,
                    comment: str = "", submit: bool = False, version: int | None = None) -> Assessment:
    """Save (or submit) a street's assessment of a stationed office for a year. ``version``
    is the one the form showed: a newer save by someone else is a conflict."""
    street = selectors.street_get_for_user(user=actor, street_id=street_id, write=True)
    department = selectors.stationed_departments(street=street).filter(pk=department_id).first()
    if department is None:
        raise NotFoundOrForbidden()
    criteria = criteria_in_force()
    cleaned = {str(c.pk): _score(scores.get(str(c.pk)), f"c{c.pk}") for c in criteria}
    assessment = (
        Assessment.objects.select_for_update()
        .filter(street=street, department=department, year=year).first()
    )
    if assessment is None:
        assessment = Assessment(street=street, department=department, year=year, area_path=street.path,
                                version=0)
    elif version is not None and assessment.version != version:
        raise ApplicationError(_("该考核已被他人修改，请刷新后重试"), code="conflict")
    if assessment.status == Assessment.Status.SUBMITTED:
        raise ApplicationError(_("该考核已提交，不能再修改"), code="conflict")
    assessment.scores = cleaned
    assessment.total = weighted_total(cleaned, criteria)
    assessment.comment = _text(comment, "comment", 300, required=False)
    assessment.status = Assessment.Status.SUBMITTED if submit else Assessment.Status.DRAFT
    assessment.assessed_by = actor
    assessment.updated_at = clock.now()
    assessment.version += 1
    assessment.save()
    audit_record(action="powers_assess", actor=actor, obj=assessment,
                 detail={"department": department.pk, "year": year, "submitted": submit})
    return assessment
