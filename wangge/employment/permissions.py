"""Who may do what with the new-employment census (named predicates; views never test roles).

- ``EMPLOYMENT_STAFF`` and the organisation department (``ORG_DEPT``) keep the census,
  found branches, assign instructors and record services, by area subtree; they may reveal
  a worker's full phone or ID number (audited).
- Party staff (``PARTY_STAFF``) read the census (masked) in their subtree.
- A station keeper is whoever may log a rest station's services (facilities' log roles):
  they log visits at the stations in their scope and see no worker's contact data.
"""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import path_in_scope
from wangge.facilities.permissions import can_log_in, can_log_services

WRITE_ROLES = frozenset({Role.EMPLOYMENT_STAFF, Role.ORG_DEPT})
READ_ROLES = WRITE_ROLES | frozenset({Role.PARTY_STAFF})
REVEAL_ROLES = WRITE_ROLES


def can_read_employment(user) -> bool:
    return has_any_role(user, READ_ROLES)


def can_write_employment(user) -> bool:
    return has_any_role(user, WRITE_ROLES)


def can_write_in(user, path: str) -> bool:
    return can_write_employment(user) and path_in_scope(user, path, WRITE_ROLES)


def can_reveal_in(user, path: str) -> bool:
    return has_any_role(user, REVEAL_ROLES) and path_in_scope(user, path, REVEAL_ROLES)


def can_keep_station(user) -> bool:
    return can_log_services(user)


def can_keep_station_at(user, path: str) -> bool:
    return can_log_in(user, path)


def can_import(user) -> bool:
    return can_write_employment(user)
