"""Who may do what in red property management (named predicates).

Two kinds of scope:
- area staff (community, street, district, city) see the rows under their area nodes;
- property company staff (``PROPERTY_STAFF``) see only the estates their company
  manages now (an open ``CompanyStaff`` row and the estate's profile naming the company):
  those estates, their fee figures, their opinion book (and reply to it as the company)
  and the meetings of the communities the estates lie in. Never by area.
"""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import path_in_scope
from wangge.core import clock

READ_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)
# Community and street staff keep estates, committees, fees and replies in their area.
WRITE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
COMPANY_ROLES = frozenset({Role.PROPERTY_STAFF})

_COMPANIES = "_wangge_property_companies"


def company_ids_of(user) -> frozenset[int]:
    """The companies the user works for today (empty unless they hold PROPERTY_STAFF)."""
    if not has_any_role(user, COMPANY_ROLES):
        return frozenset()
    cached = user.__dict__.get(_COMPANIES)
    if cached is None:
        from django.db.models import Q

        from wangge.property.models import CompanyStaff

        today = clock.today()
        cached = frozenset(
            CompanyStaff.objects.filter(user=user, since__lte=today)
            .filter(Q(until__isnull=True) | Q(until__gt=today))
            .values_list("company_id", flat=True)
        )
        user.__dict__[_COMPANIES] = cached
    return cached


def is_company_user(user) -> bool:
    return bool(company_ids_of(user))


def can_read_property(user) -> bool:
    return has_any_role(user, READ_ROLES) or is_company_user(user)


def can_read_area_property(user) -> bool:
    """Pages only area staff see: companies, owners' committees."""
    return has_any_role(user, READ_ROLES)


def can_write_property(user) -> bool:
    return has_any_role(user, WRITE_ROLES)


def can_write_in(user, path: str) -> bool:
    return path_in_scope(user, path, WRITE_ROLES)
