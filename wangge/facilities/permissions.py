"""Who may do what with service positions (named predicates; views never test roles)."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import path_in_scope

# Staff who read the registry, the gap map and coverage within their subtree.
READ_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER, Role.ORG_DEPT}
)
# Staff who add, edit and close positions, and plan scenarios, in their subtree.
WRITE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ORG_DEPT})
# Who records a station's daily services (the station's own staff are community staff;
# grid workers record for stations in their grid).
LOG_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.GRID_WORKER, Role.ORG_DEPT})


def can_read_facilities(user) -> bool:
    return has_any_role(user, READ_ROLES)


def can_write_facilities(user) -> bool:
    return has_any_role(user, WRITE_ROLES)


def can_write_in(user, path: str) -> bool:
    return can_write_facilities(user) and path_in_scope(user, path, WRITE_ROLES)


def can_log_services(user) -> bool:
    return has_any_role(user, LOG_ROLES)


def can_log_in(user, path: str) -> bool:
    return can_log_services(user) and path_in_scope(user, path, LOG_ROLES)
