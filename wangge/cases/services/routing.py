"""Where a case goes (the routing table, with a fallback so no case waits where nobody
works) and by when (SLA deadlines)."""

from datetime import datetime, timedelta

from django.db.models import Q

from wangge.accounts.models import Department, Role, RoleAssignment
from wangge.areas.models import KIND_DEPTH, Area, AreaKind
from wangge.areas.reference import area_at_depth
from wangge.cases.models import Case, Category, Priority, SlaPolicy
from wangge.cases.reference import ancestor_paths, routing_rule_for
from wangge.core.calendar import DAY_MINUTES, add_working_minutes

# (sign-for minutes, resolve minutes, counted in working time) — docs/domain.md defaults.
DEFAULT_SLA: dict[str, tuple[int, int, bool]] = {
    Priority.URGENT: (30, 120, False),
    Priority.HIGH: (120, 24 * 60, False),
    Priority.NORMAL: (DAY_MINUTES, 7 * DAY_MINUTES, True),
    Priority.COMPLEX: (DAY_MINUTES, 15 * DAY_MINUTES, True),
}
COMMUNITY_DEPTH = KIND_DEPTH[AreaKind.COMMUNITY]
STREET_DEPTH = KIND_DEPTH[AreaKind.STREET]


def grid_has_worker_on_duty(area: Area) -> bool:
    """Whether an active account holds a grid-worker role in force today on this grid
    (or, for a micro-grid, on it or its grid)."""
    paths = [
        area.path[: Area.steplen * depth]
        for depth in range(COMMUNITY_DEPTH + 1, area.depth + 1)
    ]
    return (
        RoleAssignment.objects.current()
        .filter(user__is_active=True, role=Role.GRID_WORKER, area__path__in=paths)
        .exists()
    )


def case_route(*, category: Category, area_path: str) -> Department | Area | None:
    """The handler unit the routing table names for this category at this place.

    A rule that names a grid (or micro-grid) with no grid worker on duty sends the case
    to the grid's community instead, whose staff handle it: a report never waits in a
    grid where nobody works.
    """
    rule = routing_rule_for(category=category, area_path=area_path)
    if rule is None:
        return None
    department_id, area_id = rule
    if department_id is not None:
        return Department.objects.select_related("area").get(pk=department_id)
    area = Area.objects.get(pk=area_id)
    if area.depth > COMMUNITY_DEPTH and not grid_has_worker_on_duty(area):
        return area_at_depth(area.path, COMMUNITY_DEPTH) or area
    return area


def case_is_routable(*, category: Category, area_path: str) -> bool:
    return routing_rule_for(category=category, area_path=area_path) is not None


def dispatcher_for(*, area: Area, routed: bool) -> Area:
    """The community accepts cases the routing table knows; the street everything else."""
    depth = COMMUNITY_DEPTH if routed else STREET_DEPTH
    if area.depth <= depth:
        return area
    return area_at_depth(area.path, depth) or area


def sla_for(*, category: Category, priority: str) -> tuple[int, int, bool]:
    """(sign-for minutes, resolve minutes, working time?) for a category and priority."""
    policies = (
        SlaPolicy.objects.filter(priority=priority)
        .filter(
            Q(category__path__in=ancestor_paths(category.path, Category.steplen))
            | Q(category__isnull=True)
        )
        .select_related("category")
    )
    best = None
    for policy in policies:
        depth = policy.category.depth if policy.category_id else 0
        if best is None or depth > best[0]:
            best = (depth, policy)
    if best is None:
        return DEFAULT_SLA[priority]
    policy = best[1]
    return policy.sign_minutes, policy.resolve_minutes, policy.working_time


def due_at(start: datetime, minutes: int, working_time: bool) -> datetime:
    if working_time:
        return add_working_minutes(start, minutes)
    return start + timedelta(minutes=minutes)


def deadlines_set(case: Case, start: datetime) -> None:
    """Sign-for and resolve deadlines from ``start`` (the case is not saved)."""
    sign, resolve, working = sla_for(category=case.category, priority=case.priority)
    case.sign_due_at = due_at(start, sign, working)
    case.resolve_due_at = due_at(start, resolve, working)
