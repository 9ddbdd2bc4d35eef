"""Who may do what in red property management (named predicates)."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import path_in_scope

READ_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)
# Community and street staff keep estates, committees, fees and replies in their area.
WRITE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})


def can_read_property(user) -> bool:
    return has_any_role(user, READ_ROLES)


def can_write_property(user) -> bool:
    return has_any_role(user, WRITE_ROLES)


def can_write_in(user, path: str) -> bool:
    return path_in_scope(user, path, WRITE_ROLES)
