from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from wangge.areas.models import Area
from wangge.core import crypto
from wangge.core.errors import NotFoundOrForbidden
from wangge.people.models import CareTag, Household, Resident
from wangge.people.permissions import REGISTRY_READ_ROLES


def resident_list_visible_to(
    *,
    user,
    area: Area | None = None,
    name: str = "",
    care_tag: str = "",
    residence_status: str = "",
    id_number: str = "",
) -> QuerySet[Resident]:
    residents = Resident.objects.filter_to_scope(user, roles=REGISTRY_READ_ROLES)
    if area is not None:
        residents = residents.filter(area_path__under=area.path)
    if name:
        residents = residents.filter(name__startswith=name.strip())
    if care_tag:
        residents = residents.filter(care_tags__code=care_tag)
    if residence_status:
        residents = residents.filter(residence_status=residence_status)
    if id_number:
        residents = residents.filter(id_number_index=crypto.blind_index(id_number, purpose="id"))
    return residents.select_related("household").order_by("area_path", "id")


def resident_get_for_user(*, user, resident_id: int) -> Resident:
    resident = (
        Resident.objects.filter_to_scope(user, roles=REGISTRY_READ_ROLES)
        .select_related("household", "household__grid")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None:
        raise NotFoundOrForbidden(_("未找到该居民"))
    return resident


def household_list_visible_to(*, user, area: Area | None = None, q: str = "") -> QuerySet:
    households = Household.objects.filter_to_scope(user, roles=REGISTRY_READ_ROLES)
    if area is not None:
        households = households.filter(area_path__under=area.path)
    if q:
        households = households.filter(address__contains=q.strip())
    return households.select_related("grid", "building").order_by("area_path", "id")


def household_get_for_user(*, user, household_id: int) -> Household:
    household = Household.objects.filter_to_scope(user, roles=REGISTRY_READ_ROLES).filter(pk=household_id).first()
    if household is None:
        raise NotFoundOrForbidden(_("未找到该户"))
    return household


def care_tag_counts(*, user, area: Area | None = None) -> list[dict]:
    """Residents per care tag within the user's scope (and under ``area`` if given)."""
    residents = resident_list_visible_to(user=user, area=area).order_by()
    rows = (
        residents.filter(care_tags__isnull=False)
        .values("care_tags__code")
        .annotate(total=Count("id"))
    )
    totals = {row["care_tags__code"]: row["total"] for row in rows}
    return [
        {
            "code": tag.code,
            "name": tag.name,
            "cadence": tag.cadence,
            "total": totals.get(tag.code, 0),
        }
        for tag in CareTag.objects.all()
    ]
