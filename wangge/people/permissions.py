"""Who may do what in the people registry: its role sets and predicates, in one place.

Every role a set names comes from ``wangge.accounts.models.Role`` (the platform's roles
and those installed apps declare, see wangge/accounts/roles.py)."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role

# Roles that may see the people registry (always masked) within their subtree.
REGISTRY_READ_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
    }
)
# Roles that work with individual residents and may reveal a full ID number or phone.
REVEAL_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})
REGISTRY_WRITE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})
IMPORT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
EXPORT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER})


def can_read_registry(user) -> bool:
    return has_any_role(user, REGISTRY_READ_ROLES)


def can_write_registry(user) -> bool:
    return has_any_role(user, REGISTRY_WRITE_ROLES)


def can_reveal_personal_data(user) -> bool:
    return has_any_role(user, REVEAL_ROLES)


def can_import(user) -> bool:
    return has_any_role(user, IMPORT_ROLES)


def can_export(user) -> bool:
    return has_any_role(user, EXPORT_ROLES)
