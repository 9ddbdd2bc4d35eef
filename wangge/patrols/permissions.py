"""Who may do what with patrols and visits (named predicates; views never test roles)."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import path_in_scope

WORKER_ROLES = frozenset({Role.GRID_WORKER})
# Staff who read compliance and overdue lists within their subtree.
SUPERVISE_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)
# Staff who hand grids and households from one worker to another.
ASSIGN_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})


def can_work_grids(user) -> bool:
    return has_any_role(user, WORKER_ROLES)


def can_supervise_patrols(user) -> bool:
    return has_any_role(user, SUPERVISE_ROLES)


def can_assign_workers(user) -> bool:
    return has_any_role(user, ASSIGN_ROLES)


def can_assign_in(user, path: str) -> bool:
    return can_assign_workers(user) and path_in_scope(user, path, ASSIGN_ROLES)
