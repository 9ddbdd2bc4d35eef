"""The scope rule: a user sees the subtrees of the area nodes their roles sit on.

Every scoped model carries ``area_path`` (the materialised path of its grid or node),
so "everything under this street" is one range filter on an indexed column. Domain rows
derive from ``wangge.accounts.scoping.ScopedModel`` and filter with
``Model.objects.filter_to_scope(user, roles=...)``, which always names its roles. The
functions here default to ``AREA_STAFF_ROLES`` (the staff who work on the area tree) for
the area tree itself: pickers and the area API.
"""

from django.db.models import Q, QuerySet

from wangge.accounts.permissions import AREA_STAFF_ROLES, role_assignments_of


def scope_paths(user, roles=AREA_STAFF_ROLES) -> list[str]:
    """Minimal set of subtree roots the user may see for the given roles."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_wangge_scope_cache", {})
    key = frozenset(roles)
    if key not in cache:
        paths = {
            path
            for role, area_path, _, department_path in role_assignments_of(user)
            if role in roles
            for path in (area_path, department_path)
            if path
        }
        ordered = sorted(paths)
        minimal: list[str] = []
        for path in ordered:
            if not any(path.startswith(root) for root in minimal):
                minimal.append(path)
        cache[key] = minimal
    return cache[key]


def scope_q(user, *, field: str = "area_path", roles=AREA_STAFF_ROLES) -> Q | None:
    paths = scope_paths(user, roles)
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__under": path})
    return condition


def filter_to_scope(
    queryset: QuerySet, user, *, field: str = "area_path", roles=AREA_STAFF_ROLES
) -> QuerySet:
    condition = scope_q(user, field=field, roles=roles)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def path_in_scope(user, path: str, roles=AREA_STAFF_ROLES) -> bool:
    return any(path.startswith(root) for root in scope_paths(user, roles))
