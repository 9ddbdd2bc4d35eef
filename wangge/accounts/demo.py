"""Demo accounts: created only when settings.WANGGE_DEMO is on."""

from django.conf import settings

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.accounts.services import role_assign
from wangge.areas.models import Area, AreaKind
from wangge.core.errors import ApplicationError

DEMO_PASSWORD = "Wangge@2026"  # noqa: S105 (demo settings only)


def _first(kind: str) -> Area:
    return Area.objects.filter(kind=kind).order_by("path").first()


def demo_accounts_plan() -> list[tuple[str, str, str, Area | None, Department | None]]:
    """(username, display name, role, area, department) for every role."""
    city = _first(AreaKind.CITY)
    district = Area.objects.get_children(city).order_by("path").first()
    street = Area.objects.filter(kind=AreaKind.STREET, path__startswith=district.path).order_by("path").first()
    community = Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=street.path).order_by("path").first()
    grid = Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path).order_by("path").first()
    department = Department.objects.order_by("id").first()
    return [
        ("gridworker", "网格员 王芳", Role.GRID_WORKER, grid, None),
        ("community", "社区书记 李强", Role.COMMUNITY_STAFF, community, None),
        ("street", "街道干部 张伟", Role.STREET_STAFF, street, None),
        ("department", "城管局办理人 刘洋", Role.DEPARTMENT_HANDLER, None, department),
        ("district", "区级管理员 陈静", Role.DISTRICT_OFFICER, district, None),
        ("city", "市级管理员 赵敏", Role.CITY_OFFICER, city, None),
        ("orgdept", "组织部 孙丽", Role.ORG_DEPT, city, None),
        ("resident", "居民 周杰", Role.RESIDENT, grid, None),
        ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, city, None),
        ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None, None),
        ("auditadmin", "审计管理员", Role.AUDIT_ADMIN, None, None),
    ]


def demo_accounts_ensure() -> list[tuple[str, str, str]]:
    if not settings.WANGGE_DEMO:
        raise ApplicationError("演示账号仅在演示模式（WANGGE_DEMO=1）下创建")
    rows = []
    for username, display, role, area, department in demo_accounts_plan():
        user, created = User.objects.get_or_create(username=username,
                                                   defaults={"display_name": display})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            role_assign(actor=None, user=user, role=role, area=area, department=department)
        where = department.name if department else (area.name if area else "全局")
        rows.append((username, Role(role).label, where))
    return rows
