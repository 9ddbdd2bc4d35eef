"""The platform's named predicates: which roles may do what. Views never test roles
themselves. A domain's role sets and predicates live in its own ``permissions.py``
(wangge/people/permissions.py for the registry)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F

from wangge.accounts.models import Role, RoleAssignment
from wangge.core import clock

# The staff who work on the area tree: they see its nodes within their subtrees (the
# area pickers, the area API). What each of them may do with a domain's rows is that
# domain's business: wangge/<app>/permissions.py (people, cases, patrols).
AREA_STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
    }
)
# Who keeps the estates and buildings of their subtree up to date.
AREA_RECORD_WRITE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})
AREA_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN})
USER_ADMIN_ROLES = frozenset({Role.SECURITY_ADMIN})
AUDIT_READ_ROLES = frozenset({Role.AUDIT_ADMIN})
STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})


_ASSIGNMENTS = "_wangge_assignments"


def _role_cache_key(user, today) -> str:
    # date_joined (to the microsecond) tells apart two users given the same id, as
    # SQLite does after a rollback. The day is in the key because assignments start and
    # end on days (valid_from/valid_until): a new day reads them again.
    joined = user.date_joined.isoformat() if user.date_joined else ""
    return f"wangge:roles:{user.pk}:{joined}:{user.roles_version}:{today.isoformat()}"


def role_assignments_of(user) -> list[tuple[str, str | None, int | None, str | None]]:
    """(role, area path, department id, department's area path) of each of the user's
    role assignments in force today. Roles, scope and case permissions all come from
    this one list, kept on the user object for the request and in the cache under the
    user's ``roles_version``, so most requests run no query for it at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = user.__dict__.get(_ASSIGNMENTS)
    if cached is None:
        today = clock.today()
        key = _role_cache_key(user, today)
        cached = cache.get(key)
        if cached is None:
            cached = list(
                RoleAssignment.objects.filter(user=user).current(today).values_list(
                    "role", "area__path", "department_id", "department__area__path"
                )
            )
            # Area paths in the copy may be this old after an area moves in the tree.
            cache.set(key, cached, settings.WANGGE_ROLE_CACHE_SECONDS)
        user.__dict__[_ASSIGNMENTS] = cached
    return cached


def forget_role_assignments(user) -> None:
    """After changing a user's roles: the next predicate reads them again."""
    user.__dict__.pop(_ASSIGNMENTS, None)
    user.__dict__.pop("_wangge_scope_cache", None)
    if user.pk:
        user.refresh_from_db(fields=["roles_version"])


def roles_changed(*, user_id: int) -> None:
    """Every cached copy of this user's roles is stale from now on."""
    from wangge.accounts.models import User

    User.objects.filter(pk=user_id).update(roles_version=F("roles_version") + 1)


def user_roles(user) -> set[str]:
    return {role for role, *_ in role_assignments_of(user)}


def has_any_role(user, roles) -> bool:
    return bool(user_roles(user) & set(roles))


def can_read_audit(user) -> bool:
    return has_any_role(user, AUDIT_READ_ROLES)


def can_admin_users(user) -> bool:
    return has_any_role(user, USER_ADMIN_ROLES)


def can_admin_areas(user) -> bool:
    return has_any_role(user, AREA_ADMIN_ROLES)


def is_staff_user(user) -> bool:
    return has_any_role(user, STAFF_ROLES)


# Dashboards, maps and the monthly briefing: aggregate figures within the user's subtree.
DASHBOARD_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
        Role.ORG_DEPT,
    }
)


def can_view_dashboard(user) -> bool:
    return has_any_role(user, DASHBOARD_ROLES)


def must_change_password(user) -> bool:
    """Staff whose password is older than WANGGE_PASSWORD_MAX_AGE_DAYS (0: never), and
    anyone whose password someone else set (password_temporary), change it before doing
    anything else. A password never changed counts from date_joined."""
    from datetime import timedelta

    days = settings.WANGGE_PASSWORD_MAX_AGE_DAYS
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "password_temporary", False):
        return True  # set by someone else: changed before anything else, whatever the role
    if days <= 0:
        return False
    if not (user.is_staff or is_staff_user(user)):
        return False
    changed = user.password_changed_at or user.date_joined
    return changed is None or changed < clock.now() - timedelta(days=days)
