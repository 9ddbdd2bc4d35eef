"""Who may do what in cadre training (named predicates; views never test roles).

- Organisers (the organisation department, ``ORG_DEPT``) run the catalogue and classes and
  see every unit and cadre within their area subtree.
- A unit's training officer (``TRAINING_OFFICER``) sees only the units their role
  assignment names: the unit of the assigned department, or the unit of exactly the
  assigned area node (not its subtree: a street's officer does not see the communities'
  units).
- A cadre (``CADRE``) sees their own record only.
"""

from django.db.models import Q

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role, role_assignments_of
from wangge.accounts.scope import scope_q

ORGANISER_ROLES = frozenset({Role.ORG_DEPT})
OFFICER_ROLES = frozenset({Role.TRAINING_OFFICER})
CADRE_ROLES = frozenset({Role.CADRE})
LEDGER_ROLES = ORGANISER_ROLES | OFFICER_ROLES


def is_organiser(user) -> bool:
    return has_any_role(user, ORGANISER_ROLES)


def can_read_ledgers(user) -> bool:
    return has_any_role(user, LEDGER_ROLES)


def can_enrol(user) -> bool:
    return has_any_role(user, LEDGER_ROLES)


def is_cadre(user) -> bool:
    return has_any_role(user, CADRE_ROLES) and getattr(user, "cadre", None) is not None


def can_use_training(user) -> bool:
    return can_read_ledgers(user) or is_cadre(user)


def officer_unit_q(user, prefix: str = "") -> Q | None:
    """The units the user's training-officer assignments name, as a condition on a row
    with a ``unit`` (``prefix`` leads to it, e.g. ``"cadre__unit__"``); None when none."""
    condition = None
    for role, area_path, department_id, _dept_path in role_assignments_of(user):
        if role != Role.TRAINING_OFFICER:
            continue
        if department_id:
            part = Q(**{f"{prefix}department_id": department_id})
        elif area_path:
            part = Q(**{f"{prefix}area_path": area_path, f"{prefix}department__isnull": True})
        else:
            continue
        condition = part if condition is None else condition | part
    return condition


def unit_scope_q(user, prefix: str = "", path_field: str | None = None) -> Q | None:
    """Units (at ``prefix``) the user may read: organisers by area subtree (on
    ``path_field``, a row's own copy of its unit's path), officers by their named units.
    None: nothing."""
    parts = []
    path_field = path_field or f"{prefix}area_path"
    organiser = scope_q(user, field=path_field, roles=ORGANISER_ROLES)
    if organiser is not None:
        parts.append(organiser)
    officer = officer_unit_q(user, prefix)
    if officer is not None:
        parts.append(officer)
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition
