"""Who may do what to a case: named predicates, one per kind of actor.

- dispatcher: community or street staff whose subtree holds the case's dispatching
  unit (``dispatcher_area``) — accepts, rejects, dispatches, approves, closes, escalates;
- handler: the department the case is dispatched to (its department handlers), or staff
  of the area unit it is dispatched to (grid workers, community or street staff on that
  node or above it) — signs, resolves, returns, asks for time. A handler always sees the
  case, wherever it lies (``selectors.case_visible_q``), and a unit with no handler at
  all is no dispatch target (``unit_has_handlers``);
- verifier: the grid worker of the case's grid, or a dispatcher;
- supervisor: street staff, district and city officers above the case;
- summons: street staff of the case's street issue and rate, summoned departments check in.
"""

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.permissions import has_any_role, role_assignments_of
from wangge.accounts.scope import path_in_scope
from wangge.accounts.scope import scope_q as scope_q  # case selectors ask it as perms.scope_q

DISPATCH_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
AREA_HANDLER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.GRID_WORKER})
VERIFY_ROLES = frozenset({Role.GRID_WORKER})
SUPERVISE_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER})
SUMMON_ROLES = frozenset({Role.STREET_STAFF})
# Roles that see cases by area: everything reported in their subtree.
CASE_AREA_READ_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
    }
)
# Roles that may see the reporter's name and masked phone (never of anonymous reports).
REPORTER_CONTACT_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})
# Who may file a case under which source through the API (``Source`` values). Anyone
# may report as a resident; the Open311 source belongs to the Open311 endpoint alone.
REPORT_SOURCE_ROLES = {
    "grid_worker": frozenset({Role.GRID_WORKER}),
    "meeting": frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
    "hotline": frozenset(
        {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
    ),
    "department": frozenset({Role.DEPARTMENT_HANDLER}),
}
REPORT_STAFF_ROLES = CASE_AREA_READ_ROLES | {Role.DEPARTMENT_HANDLER}
KPI_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)


def user_department_ids(user, role: str = Role.DEPARTMENT_HANDLER) -> set[int]:
    return {dept for r, _, dept, _ in role_assignments_of(user) if r == role and dept is not None}


def _path(area) -> str | None:
    return area.path if area is not None else None


def is_dispatcher(user, case) -> bool:
    path = _path(case.dispatcher_area)
    return path is not None and path_in_scope(user, path, DISPATCH_ROLES)


def is_handler(user, case) -> bool:
    if case.handler_department_id is not None:
        return case.handler_department_id in user_department_ids(user)
    path = _path(case.handler_area)
    return path is not None and path_in_scope(user, path, AREA_HANDLER_ROLES)


def _self_and_ancestors(area) -> list[str]:
    steplen = type(area).steplen
    return [area.path[:end] for end in range(steplen, len(area.path) + 1, steplen)]


def staffed_units(*, departments=(), areas=()) -> tuple[set[int], set[int]]:
    """(department ids, area ids) of the given units for which some active account would
    pass ``is_handler``: a department handler of the department, or area staff on the
    node or above it. Two queries, whatever the number of units."""
    holders = RoleAssignment.objects.filter(user__is_active=True)
    departments, areas = list(departments), list(areas)
    staffed_departments: set[int] = set()
    if departments:
        staffed_departments = set(
            holders.filter(
                role=Role.DEPARTMENT_HANDLER, department__in=[d.pk for d in departments]
            ).values_list("department_id", flat=True)
        )
    staffed_areas: set[int] = set()
    if areas:
        paths = {path for area in areas for path in _self_and_ancestors(area)}
        staffed_paths = set(
            holders.filter(role__in=AREA_HANDLER_ROLES, area__path__in=paths).values_list(
                "area__path", flat=True
            )
        )
        staffed_areas = {
            area.pk
            for area in areas
            if any(path in staffed_paths for path in _self_and_ancestors(area))
        }
    return staffed_departments, staffed_areas


def unit_has_handlers(*, department=None, area=None) -> bool:
    """Whether a case sent to this unit could be signed by anybody (``staffed_units``)."""
    staffed_departments, staffed_areas = staffed_units(
        departments=[department] if department is not None else [],
        areas=[area] if area is not None else [],
    )
    return bool(staffed_departments or staffed_areas)


def can_accept(user, case) -> bool:
    return is_dispatcher(user, case)


def can_dispatch(user, case) -> bool:
    return is_dispatcher(user, case)


def can_dispatch_to(user, case, *, department=None, area=None, routed=None) -> bool:
    """A dispatcher may send a case to the unit the routing table names, to an area unit
    in their own subtree, and (street staff) to departments anchored above or below them."""
    if not is_dispatcher(user, case):
        return False
    if routed is not None and (department or area) == routed:
        return True
    if area is not None:
        return path_in_scope(user, area.path, DISPATCH_ROLES)
    if department is not None:
        dept_path = department.area.path
        if path_in_scope(user, dept_path, DISPATCH_ROLES):
            return True
        return path_in_scope(user, case.area_path, SUMMON_ROLES) and case.area_path.startswith(dept_path)
    return False


def can_handle(user, case) -> bool:
    return is_handler(user, case)


def can_verify(user, case) -> bool:
    return path_in_scope(user, case.area_path, VERIFY_ROLES) or is_dispatcher(user, case)


def can_supervise(user, case) -> bool:
    return path_in_scope(user, case.area_path, SUPERVISE_ROLES)


def can_summon(user, case) -> bool:
    return path_in_scope(user, case.area_path, SUMMON_ROLES)


def can_check_in(user, response) -> bool:
    return response.department_id in user_department_ids(user)


def can_rate_summons(user, summons) -> bool:
    return path_in_scope(user, summons.street.path, SUMMON_ROLES)


def can_report_as(user, source: str) -> bool:
    return source == "resident" or has_any_role(user, REPORT_SOURCE_ROLES.get(source, ()))


def can_report_into(user, grid) -> bool:
    """A staff member's explicit grid must lie in their area scope."""
    return path_in_scope(user, grid.path, CASE_AREA_READ_ROLES)


def can_see_reporter_contact(user) -> bool:
    return has_any_role(user, REPORTER_CONTACT_ROLES)


def can_read_kpi(user) -> bool:
    return has_any_role(user, KPI_ROLES)


# Roles that work with cases at all (the work list, the case page and the menu entry).
CASE_DESK_ROLES = CASE_AREA_READ_ROLES | {Role.DEPARTMENT_HANDLER}


def can_work_cases(user) -> bool:
    return has_any_role(user, CASE_DESK_ROLES)
