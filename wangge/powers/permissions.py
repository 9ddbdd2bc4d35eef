"""Who may do what with devolved powers: a street's staff read and write their own
street's catalogue, exercise records and assessments; district and city officers read
within their subtree; city officers keep the standard list and the criteria (back office)."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role

WRITE_ROLES = frozenset({Role.STREET_STAFF})
READ_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER})
CITY_ROLES = frozenset({Role.CITY_OFFICER})


def can_read_powers(user) -> bool:
    return has_any_role(user, READ_ROLES)


def can_write_powers(user) -> bool:
    return has_any_role(user, WRITE_ROLES)
