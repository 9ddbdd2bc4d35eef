"""Demo accounts and staff.

The accounts app's part of the demo city: the departments and an account for every role
in every unit (``city_place``/``city_staff``), and the demo logins (``demo_accounts_*``),
created only when settings.WANGGE_DEMO is on.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.accounts.services import role_assign
from wangge.areas.demo_tree import CITY_CODE, PlannedArea
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.demo.bulk import apportion, next_id
from wangge.demo.names import person_name

DEMO_PASSWORD = "Wangge@2026"  # noqa: S105 (demo settings only)
DEMO_USERNAMES = ("gridworker", "community", "street", "department", "district", "resident")
FULL_GRID_WORKERS = 32_000
FULL_COMMUNITY_WORKERS = 2_886
FULL_GRIDS = 2_814
DEMO_PASSWORD = "Wangge@2026"  # noqa: S105 (demo settings only)


def _first(kind: str) -> Area:
    return Area.objects.filter(kind=kind).order_by("path").first()


def demo_accounts_plan() -> list[tuple[str, str, str, Area | None, Department | None]]:
    """(username, display name, role, area, department) for every role."""
    city = _first(AreaKind.CITY)
    district = Area.objects.get_children(city).order_by("path").first()
    street = (
        Area.objects.filter(kind=AreaKind.STREET, path__startswith=district.path)
        .order_by("path")
        .first()
    )
    community = (
        Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=street.path)
        .order_by("path")
        .first()
    )
    grid = (
        Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path)
        .order_by("path")
        .first()
    )
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


def demo_account_ensure(username, display, role, area, department) -> tuple[User, tuple[str, str, str]]:
    """One demo login (created once, with the demo password) and its row for the list."""
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        role_assign(actor=None, user=user, role=role, area=area, department=department)
    where = department.name if department else (area.name if area else "全局")
    return user, (username, Role(role).label, where)


def demo_accounts_ensure() -> list[tuple[str, str, str]]:
    """The platform's demo logins, then each app's: a demo module may define
    ``demo_accounts(ensure) -> rows`` for the roles it declares (``ensure`` is
    ``demo_account_ensure``)."""
    from wangge.demo.registry import demo_hooks

    if not settings.WANGGE_DEMO:
        raise ApplicationError("演示账号仅在演示模式（WANGGE_DEMO=1）下创建")
    rows = []
    for username, display, role, area, department in demo_accounts_plan():
        rows.append(demo_account_ensure(username, display, role, area, department)[1])
    for hook in demo_hooks("demo_accounts"):
        rows.extend(hook(demo_account_ensure))
    return rows


# City-level departments first: the first department is the demo department handler's (城管局).
_CITY_DEPARTMENTS = [
    ("CG", "城管局"),
    ("ZJ", "住建局"),
    ("SW", "水务局"),
    ("GD", "供电公司"),
    ("RQ", "燃气公司"),
    ("GA", "公安局"),
    ("MZ", "民政局"),
    ("SJ", "市场监管局"),
    ("YJ", "应急管理局"),
    ("WJ", "卫健委"),
    ("ST", "生态环境局"),
    ("JT", "交通运输局"),
]
_DISTRICT_DEPARTMENTS = [
    ("CG", "{d}城管局"),
    ("ZJ", "{d}住建局"),
    ("GA", "{s}公安分局"),
    ("MZ", "{d}民政局"),
    ("SJ", "{d}市场监管局"),
]


def city_place(build) -> None:
    build.departments = _insert_departments(build.plan, build.area_ids)
    build.stats.figures["departments"] = len(build.departments)
    build.wrote([Department])


def city_staff(build) -> None:
    _insert_users(build)
    build.wrote([User, RoleAssignment])
    build.audit_detail["users"] = build.stats.users


def _insert_departments(plan: list[PlannedArea], area_ids: dict[str, int]) -> list[Department]:
    rows = []
    first_id = next_id(Department)
    for node in plan:
        if node.kind == AreaKind.CITY:
            items = [(abbr, name) for abbr, name in _CITY_DEPARTMENTS]
        elif node.kind == AreaKind.DISTRICT:
            short = node.name.removesuffix("区").removesuffix("矿")
            items = [
                (abbr, pattern.format(d=node.name, s=short))
                for abbr, pattern in _DISTRICT_DEPARTMENTS
            ]
        else:
            continue
        for abbr, name in items:
            rows.append(
                Department(
                    id=first_id + len(rows),
                    name=name,
                    code=f"{node.code}-{abbr}",
                    area_id=area_ids[node.code],
                )
            )
    return Department.objects.bulk_create(rows)


def _insert_users(build) -> None:
    """Users for every role, created in bulk with an unusable password.

    Hashing tens of thousands of distinct passwords with PBKDF2 would take hours, and one
    shared known password on that many accounts would be an open door. These accounts are
    activated by the security admin (password reset); demo logins are ``demo_accounts_*``.
    Grid workers work the grids of the communities where people live (``staffed_grids``).
    """
    seed, plan, scale, area_ids = build.seed, build.plan, build.scale, build.area_ids
    departments, householders = build.departments, getattr(build, "householders", [])
    rng = random.Random(f"wangge-city:{seed}:users")
    unusable = make_password(None)
    now = clock.now()
    users: list[User] = []
    assignments: list[RoleAssignment] = []
    user_id, assignment_id = next_id(User), next_id(RoleAssignment)

    def add(
        username: str,
        display: str,
        role: str,
        area_id: int | None = None,
        department_id: int | None = None,
    ) -> None:
        nonlocal user_id, assignment_id
        users.append(
            User(
                id=user_id,
                username=username,
                display_name=display,
                password=unusable,
                is_staff=role != Role.RESIDENT,
                is_active=True,
                date_joined=now,
            )
        )
        assignments.append(
            RoleAssignment(
                id=assignment_id,
                user_id=user_id,
                role=role,
                area_id=area_id,
                department_id=department_id,
                created_at=now,
            )
        )
        user_id += 1
        assignment_id += 1

    def person() -> str:
        return person_name(rng, rng.random() < 0.5)

    by_kind: dict[str, list[PlannedArea]] = {}
    for node in plan:
        by_kind.setdefault(node.kind, []).append(node)
    grids = build.staffed_grids
    communities = by_kind.get(AreaKind.COMMUNITY, [])
    share = len(by_kind.get(AreaKind.GRID, [])) / FULL_GRIDS

    workers = (
        apportion(
            max(len(grids), round(FULL_GRID_WORKERS * scale * share)), [1.0] * len(grids), minimum=1
        )
        if grids
        else []
    )
    for grid, n in zip(grids, workers, strict=True):
        for k in range(1, n + 1):
            add(f"wg{grid.code}{k:02d}", person(), Role.GRID_WORKER, area_ids[grid.code])
    staff = (
        apportion(
            max(len(communities), round(FULL_COMMUNITY_WORKERS * scale * share)),
            [1.0] * len(communities),
            minimum=1,
        )
        if communities
        else []
    )
    for community, n in zip(communities, staff, strict=True):
        for k in range(1, n + 1):
            add(
                f"sq{community.code}{k:02d}",
                person(),
                Role.COMMUNITY_STAFF,
                area_ids[community.code],
            )
    few = max(1, round(5 * scale))
    for street in by_kind.get(AreaKind.STREET, []):
        for k in range(1, few + 1):
            add(f"jd{street.code}{k:02d}", person(), Role.STREET_STAFF, area_ids[street.code])
    for district in by_kind.get(AreaKind.DISTRICT, []):
        for k in range(1, max(1, round(3 * scale)) + 1):
            add(
                f"qx{district.code}{k:02d}",
                person(),
                Role.DISTRICT_OFFICER,
                area_ids[district.code],
            )
    city_id = area_ids[CITY_CODE]
    for k in range(1, few + 1):
        add(f"shi{CITY_CODE}{k:02d}", person(), Role.CITY_OFFICER, city_id)
    for k in range(1, max(1, round(3 * scale)) + 1):
        add(f"zzb{CITY_CODE}{k:02d}", person(), Role.ORG_DEPT, city_id)
    for department in departments:
        for k in range(1, max(1, round(3 * scale)) + 1):
            add(
                f"bm{department.code.replace('-', '').lower()}{k:02d}",
                person(),
                Role.DEPARTMENT_HANDLER,
                department_id=department.id,
            )
    add("xtgl01", person(), Role.SYSTEM_ADMIN, city_id)
    add("aqgl01", person(), Role.SECURITY_ADMIN)
    add("sjgl01", person(), Role.AUDIT_ADMIN)
    for k, (grid_id, _, name) in enumerate(householders, 1):
        add(f"jm{k:06d}", name, Role.RESIDENT, grid_id)
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
    build.stats.figures["users"] = len(users)
