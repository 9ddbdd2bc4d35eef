"""Reads of devolved powers, always within the user's scope; out of scope is missing."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from wangge.accounts.models import Department
from wangge.accounts.scope import scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.core.errors import NotFoundOrForbidden

from . import permissions as perms
from .models import Assessment, PowerExercise, PowerItem, StreetPower


def streets_visible_to(user, *, write: bool = False) -> QuerySet[Area]:
    roles = perms.WRITE_ROLES if write else perms.READ_ROLES
    roots = scope_paths(user, roles)
    if not roots:
        return Area.objects.none()
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root)
    return Area.objects.filter(condition, kind=AreaKind.STREET).order_by("path")


def street_get_for_user(*, user, street_id, write: bool = False) -> Area:
    try:
        street_id = int(street_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden() from None
    street = streets_visible_to(user, write=write).filter(pk=street_id).first()
    if street is None:
        raise NotFoundOrForbidden()
    return street


def street_powers_visible_to(user) -> QuerySet[StreetPower]:
    return StreetPower.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def exercises_visible_to(user) -> QuerySet[PowerExercise]:
    return PowerExercise.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def catalogue(*, street: Area) -> list[dict]:
    """The city's standard list with what this street has taken on and how often used."""
    taken = {
        row.item_id: row
        for row in StreetPower.objects.filter(street=street).annotate(uses=Count("exercises"))
    }
    items = PowerItem.objects.filter(active=True).select_related("department").order_by("code")
    return [{"item": item, "taken": taken.get(item.pk)} for item in items]


def stationed_departments(*, street: Area) -> QuerySet[Department]:
    """The offices a street assesses: departments anchored on the street, inside it or on
    its district (their stationed units), and any the street has summoned."""
    from wangge.cases.selectors import departments_summoned_by

    district_path = street.path[: Area.steplen * 2]
    return Department.objects.filter(
        Q(area__path__startswith=street.path)
        | Q(area__path=district_path)
        | Q(pk__in=departments_summoned_by(street_id=street.pk))
    ).order_by("code")
