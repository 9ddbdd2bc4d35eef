"""Who may do what in rural finance (named predicates; views never test roles).

- A finance officer (``FINANCE_OFFICER``) reads every finance row in their subtree,
  imports loans, confirms credit villages and towns; the scoring model and rules are
  kept in the back office by city officers and system administrators.
- A village finance assistant (``FINANCE_ASSISTANT``) reads and writes the demand lists,
  consents and ratings of the villages their assignments name.
- Credit data (ratings, adverse records) is visible to these two roles only, in scope:
  a grid worker never sees a score.
"""

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role

OFFICER_ROLES = frozenset({Role.FINANCE_OFFICER})
ASSISTANT_ROLES = frozenset({Role.FINANCE_ASSISTANT})
READ_ROLES = OFFICER_ROLES | ASSISTANT_ROLES
# Demand lists and ratings are written in the villages: by assistants and the office.
WRITE_ROLES = OFFICER_ROLES | ASSISTANT_ROLES
CONFIG_ROLES = frozenset({Role.CITY_OFFICER, Role.SYSTEM_ADMIN})
# Who keeps the postings (back office, their subtree).
POSTING_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER})


def can_read_finance(user) -> bool:
    return has_any_role(user, READ_ROLES)


def can_write_finance(user) -> bool:
    return has_any_role(user, WRITE_ROLES)


def can_confirm_credit(user) -> bool:
    return has_any_role(user, OFFICER_ROLES)


def can_import_loans(user) -> bool:
    return has_any_role(user, OFFICER_ROLES)


def has_assistant_role(user) -> bool:
    return has_any_role(user, ASSISTANT_ROLES)
