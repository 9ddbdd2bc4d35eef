"""Reads of rural finance, always within the user's scope; out of scope is missing.

Villages are the area tree's community nodes (村/嘎查), towns its street nodes (镇/苏木),
banners its district nodes (旗/县)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wangge.accounts.scope import scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.people.models import Household

from . import permissions as perms
from .models import (
    AdverseRecord,
    Consent,
    CreditDesignation,
    Demand,
    DemandStatus,
    Loan,
    LoanBalance,
    Posting,
    Product,
    Rating,
)


def _roles(write: bool):
    return perms.WRITE_ROLES if write else perms.READ_ROLES


def areas_visible_to(user, *, kind: str, write: bool = False) -> QuerySet[Area]:
    """Nodes of ``kind`` inside (or, for a town or banner above an assistant's village,
    containing) the user's finance scope."""
    roots = scope_paths(user, _roles(write))
    if not roots:
        return Area.objects.none()
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root)
    return Area.objects.filter(condition, kind=kind).order_by("path")


def villages_visible_to(user, *, write: bool = False) -> QuerySet[Area]:
    return areas_visible_to(user, kind=AreaKind.COMMUNITY, write=write)


def area_get_for_user(*, user, area_id, kind: str | None = None, write: bool = False) -> Area:
    """A node the user's finance scope covers (the node itself or one above it is
    assigned); a town or banner is readable only when the user's scope covers it whole."""
    try:
        area_id = int(area_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden() from None
    area = Area.objects.filter(pk=area_id).first()
    if area is None or (kind and area.kind != kind):
        raise NotFoundOrForbidden()
    if not any(area.path.startswith(root) for root in scope_paths(user, _roles(write))):
        raise NotFoundOrForbidden()
    return area


def village_get_for_user(*, user, village_id, write: bool = False) -> Area:
    return area_get_for_user(user=user, area_id=village_id, kind=AreaKind.COMMUNITY, write=write)


def households_visible_to(user, *, write: bool = False) -> QuerySet[Household]:
    return Household.objects.filter_to_scope(user, roles=_roles(write))


def household_get_for_user(*, user, household_id, write: bool = False) -> Household:
    try:
        household_id = int(household_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden() from None
    household = households_visible_to(user, write=write).filter(pk=household_id).first()
    if household is None:
        raise NotFoundOrForbidden()
    return household


def village_of(household: Household) -> Area:
    return Area.objects.get(path=household.area_path[: Area.steplen * 4])


def demands_visible_to(user, *, write: bool = False) -> QuerySet[Demand]:
    return Demand.objects.filter_to_scope(user, roles=_roles(write))


def unmatched_demands(user) -> QuerySet[Demand]:
    """The assistant's work list: collected needs of their villages not yet matched."""
    return demands_visible_to(user).filter(status=DemandStatus.COLLECTED)


def demand_get_for_user(*, user, demand_id, write: bool = False) -> Demand:
    try:
        demand_id = int(demand_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden() from None
    demand = (demands_visible_to(user, write=write).select_related("village", "household", "product__institution")
              .filter(pk=demand_id).first())
    if demand is None:
        raise NotFoundOrForbidden()
    return demand


def products_on_offer() -> QuerySet[Product]:
    """The public catalogue (no personal data)."""
    return Product.objects.filter(active=True, institution__active=True).select_related("institution")


def postings_visible_to(user) -> QuerySet[Posting]:
    return Posting.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def postings_in_force(user) -> QuerySet[Posting]:
    today = clock.today()
    return postings_visible_to(user).filter(Q(until__isnull=True) | Q(until__gt=today), since__lte=today)


def loans_visible_to(user) -> QuerySet[Loan]:
    return Loan.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def balances_visible_to(user) -> QuerySet[LoanBalance]:
    return LoanBalance.objects.filter_to_scope(user, roles=perms.READ_ROLES)


def consented_households(user) -> QuerySet[Consent]:
    return Consent.objects.filter_to_scope(user, roles=perms.READ_ROLES).filter(withdrawn_on__isnull=True)


def ratings_visible_to(user, *, write: bool = False) -> QuerySet[Rating]:
    """Credit scores: finance roles in scope only, and only while the household's
    consent is in force (derived in the query, whatever is stored)."""
    open_consent = Consent.objects.filter(withdrawn_on__isnull=True).values("household_id")
    return Rating.objects.filter_to_scope(user, roles=_roles(write)).filter(household_id__in=open_consent)


def adverse_visible_to(user) -> QuerySet[AdverseRecord]:
    open_consent = Consent.objects.filter(withdrawn_on__isnull=True).values("household_id")
    return AdverseRecord.objects.filter_to_scope(user, roles=perms.READ_ROLES).filter(household_id__in=open_consent)


def designations_visible_to(user) -> QuerySet[CreditDesignation]:
    return CreditDesignation.objects.filter_to_scope(user, roles=perms.READ_ROLES)
