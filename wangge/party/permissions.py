"""Who may do what with party organisations and members (see docs/domain.md, Party).

Membership is sensitive. Member rows are read by party-affairs roles only:
- ``PARTY_SECRETARY``: the members of the organisations they hold office in (an open
  ``OrgOfficer`` row) and their subtree — never by area;
- ``PARTY_STAFF`` (community / street party staff) and ``ORG_DEPT`` (the city's
  organisation department): by area subtree, like every scoped row.
Grid workers see only the 党员中心户 contact of households in their grids."""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role

SECRETARY_ROLES = frozenset({Role.PARTY_SECRETARY})
# Party roles whose scope is the area tree (RoleAssignment.area).
AREA_PARTY_ROLES = frozenset({Role.PARTY_STAFF, Role.ORG_DEPT})
PARTY_ROLES = SECRETARY_ROLES | AREA_PARTY_ROLES
# Who may change organisations (the tree, terms, secretaries) and import them.
ORG_WRITE_ROLES = AREA_PARTY_ROLES
# Who may import the member ledger (rows must lie in this area scope).
MEMBER_IMPORT_ROLES = AREA_PARTY_ROLES
# Who may see a 党员中心户's contact: grid workers in their grids, and party roles.
CENTRAL_CONTACT_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF}) | AREA_PARTY_ROLES


def can_read_party(user) -> bool:
    return has_any_role(user, PARTY_ROLES)


def can_supervise_party(user) -> bool:
    """Health and compliance pages: every party role (a secretary sees their own orgs)."""
    return has_any_role(user, PARTY_ROLES)


def can_write_orgs(user) -> bool:
    return has_any_role(user, ORG_WRITE_ROLES)


def can_import_members(user) -> bool:
    return has_any_role(user, MEMBER_IMPORT_ROLES)


def can_see_central_contacts(user) -> bool:
    return has_any_role(user, CENTRAL_CONTACT_ROLES)
