from django.db.models import Q, QuerySet

from wangge.accounts.backends import KNOWN_DEVICE_BUCKET
from wangge.accounts.models import LoginThrottle, RoleAssignment, User
from wangge.areas.models import Area
from wangge.core import clock


def user_list(*, q: str = "", role: str = "", area: Area | None = None,
              is_active: bool | None = None) -> QuerySet:
    """Accounts for the security administrator's role page (every account: the
    security administrator's remit is global)."""
    users = User.objects.all()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        users = users.filter(role_assignments__role=role)
    if area is not None:
        users = users.filter(
            Q(role_assignments__area__path__startswith=area.path)
            | Q(role_assignments__department__area__path__startswith=area.path)
        )
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users.distinct().order_by("username")


def role_assignments_for_admin(*, user: User) -> list[RoleAssignment]:
    """All of a user's assignments, in force or not, with ``is_current`` set."""
    today = clock.today()
    rows = list(
        RoleAssignment.objects.filter(user=user)
        .select_related("area", "department")
        .order_by("role", "id")
    )
    for row in rows:
        row.is_current = row.in_force(today)
    return rows


def login_locks_of(*, user: User) -> list[LoginThrottle]:
    return list(
        LoginThrottle.objects.filter(
            username__in=[user.username, user.username + KNOWN_DEVICE_BUCKET],
            locked_until__gt=clock.now(),
        )
    )
