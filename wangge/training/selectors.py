"""Reads in cadre training, always within the user's scope (permissions.py): out of
scope answers like missing."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet

from wangge.accounts.scope import path_in_scope
from wangge.core.errors import NotFoundOrForbidden

from . import permissions as perms
from .models import (
    Cadre,
    ClassRating,
    Course,
    CreditRecord,
    Enrolment,
    Need,
    TrainingClass,
    TrainingUnit,
)


def area_in_organiser_scope(user, path: str) -> bool:
    return path_in_scope(user, path, perms.ORGANISER_ROLES)


def units_visible_to(user) -> QuerySet[TrainingUnit]:
    condition = perms.unit_scope_q(user)
    if condition is None:
        return TrainingUnit.objects.none()
    return TrainingUnit.objects.filter(condition).order_by("name", "pk")


def unit_get_for_user(*, user, unit_id) -> TrainingUnit:
    unit = units_visible_to(user).filter(pk=_int(unit_id)).first()
    if unit is None:
        raise NotFoundOrForbidden()
    return unit


def cadres_visible_to(user) -> QuerySet[Cadre]:
    """Organisers: their subtree; officers: their units' cadres; a cadre: themself."""
    condition = perms.unit_scope_q(user, prefix="unit__", path_field="area_path")
    if perms.is_cadre(user):
        own = Q(pk=user.cadre.pk)
        condition = own if condition is None else condition | own
    if condition is None:
        return Cadre.objects.none()
    return Cadre.objects.filter(condition)


def cadre_get_for_user(*, user, cadre_id) -> Cadre:
    cadre = cadres_visible_to(user).select_related("unit").filter(pk=_int(cadre_id)).first()
    if cadre is None:
        raise NotFoundOrForbidden()
    return cadre


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(cadre__in=cadres_visible_to(user).values("pk"))


def credits_visible_to(user) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(cadre__in=cadres_visible_to(user).values("pk"))


def needs_visible_to(user) -> QuerySet[Need]:
    if perms.is_organiser(user):
        return Need.objects.filter_to_scope(user, roles=perms.ORGANISER_ROLES)
    units = units_visible_to(user)
    condition = Q(area_path__in=units.values("area_path"))
    if perms.is_cadre(user):
        condition |= Q(cadre=user.cadre)
    return Need.objects.filter(condition)


def classes_visible_to(user) -> QuerySet[TrainingClass]:
    """The catalogue of classes: organisers see theirs; officers and cadres see every class
    open to all units or chosen by their unit."""
    if not perms.can_use_training(user):
        return TrainingClass.objects.none()
    if perms.is_organiser(user):
        return TrainingClass.objects.filter_to_scope(user, roles=perms.ORGANISER_ROLES)
    unit_ids = list(units_visible_to(user).values_list("pk", flat=True))
    if perms.is_cadre(user):
        unit_ids.append(user.cadre.unit_id)
    return TrainingClass.objects.filter(Q(units__isnull=True) | Q(units__in=unit_ids)).distinct()


def class_get_for_user(*, user, class_id) -> TrainingClass:
    found = classes_visible_to(user).filter(pk=_int(class_id)).first()
    if found is None:
        raise NotFoundOrForbidden()
    return found


def class_roster(*, user, training_class: TrainingClass) -> QuerySet[Enrolment]:
    return (
        enrolments_visible_to(user).filter(training_class=training_class)
        .select_related("cadre", "cadre__unit")
        .annotate(days=Count("attendances"))
        .order_by("cadre__unit__name", "cadre__name")
    )


def class_ratings(*, training_class: TrainingClass) -> dict:
    return ClassRating.objects.filter(enrolment__training_class=training_class).aggregate(
        n=Count("pk"), class_avg=Avg("class_stars"), lecturer_avg=Avg("lecturer_stars")
    )


def excellent_courses() -> QuerySet[Course]:
    """The public page's list: courses the organisers selected, with their ratings."""
    return (
        Course.objects.filter(excellent=True)
        .select_related("category")
        .annotate(
            rated=Count("classes__enrolments__rating"),
            stars=Avg("classes__enrolments__rating__class_stars"),
        )
        .order_by("-stars", "topic")
    )


def need_counts(*, user) -> list[dict]:
    """Needs per category: how many, and how many a course covers."""
    return list(
        needs_visible_to(user).values("category__name", "category__order")
        .annotate(n=Count("pk"), covered=Count("pk", filter=Q(course__isnull=False)))
        .order_by("category__order")
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden() from None
