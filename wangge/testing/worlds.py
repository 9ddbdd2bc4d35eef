"""Ready-made worlds: an area tree and users with roles, as the tests of each part need.

Every world is built from the shared builders (``build_city``, ``make_user`` …) and is a
dataclass, so a test names what it uses (``world.grid_worker``).
"""

from dataclasses import dataclass
from datetime import date

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area, AreaKind
from wangge.cases.models import Category, RoutingRule
from wangge.people.models import Resident
from wangge.testing.areas import areas, build_city, grids
from wangge.testing.people import make_household, make_resident
from wangge.testing.users import PASSWORD, make_user, reload


@dataclass
class World:
    city: Area
    district: Area
    street: Area
    community: Area
    grid: Area
    other_community: Area
    other_district: Area
    other_grid: Area  # in other_district
    department: Department
    other_department: Department
    category: Category  # C0103 路灯不亮或损坏, routed to ``department`` in ``district``
    grid_worker: User
    community_staff: User
    other_community_staff: User
    street_staff: User
    district_officer: User
    city_officer: User
    handler: User
    other_handler: User
    resident: User

    def user(self, name: str) -> User:
        return getattr(self, name)


def build_world(city: Area) -> World:
    all_grids = grids()
    grid = all_grids[0]
    community = Area.objects.get(path=grid.path[:16])
    street = Area.objects.get(path=grid.path[:12])
    district = Area.objects.get(path=grid.path[:8])
    other_community = (
        Area.objects.filter(path__startswith=street.path, depth=4).exclude(pk=community.pk).first()
    )
    other_grid = [g for g in all_grids if not g.path.startswith(district.path)][0]
    other_district = Area.objects.get(path=other_grid.path[:8])
    department = Department.objects.create(name="城管局", code="D-CG", area=district)
    other_department = Department.objects.create(name="住建局", code="D-ZJ", area=district)
    category = Category.objects.get(code="C0103")
    RoutingRule.objects.create(
        category=Category.objects.get(code="C01"), area=district, handler_department=department
    )
    return World(
        city=city,
        district=district,
        street=street,
        community=community,
        grid=grid,
        other_community=other_community,
        other_district=other_district,
        other_grid=other_grid,
        department=department,
        other_department=other_department,
        category=category,
        grid_worker=make_user(Role.GRID_WORKER, grid, username="gw"),
        community_staff=make_user(Role.COMMUNITY_STAFF, community, username="cs"),
        other_community_staff=make_user(Role.COMMUNITY_STAFF, other_community, username="cs2"),
        street_staff=make_user(Role.STREET_STAFF, street, username="ss"),
        district_officer=make_user(Role.DISTRICT_OFFICER, district, username="do"),
        city_officer=make_user(Role.CITY_OFFICER, city, username="co"),
        handler=make_user(Role.DEPARTMENT_HANDLER, department=department, username="dh"),
        other_handler=make_user(
            Role.DEPARTMENT_HANDLER, department=other_department, username="dh2"
        ),
        resident=make_user(username="resident"),
    )


@dataclass
class Open311World:
    grid: Area
    community: Area
    department: Department
    group: Category
    leaf: Category
    hidden: Category
    dispatcher: object


def build_open311_world(city: Area) -> Open311World:
    """Two public services (one class with one sub-class) and one hidden category,
    routed to a department; a community dispatcher for the first grid."""
    Category.objects.update(open311_enabled=False)
    group = Category.objects.add_root({"code": "X01", "name": "测试市容"})
    leaf = Category.objects.add_child(group, {"code": "X0101", "name": "测试垃圾"})
    hidden = Category.objects.add_root(
        {"code": "X02", "name": "测试救助", "open311_enabled": False}
    )
    grid = grids()[0]
    community = Area.objects.get_parent(grid)
    department = Department.objects.create(name="测试城管局", code="T-CG", area=city)
    RoutingRule.objects.create(category=group, area=city, handler_department=department)
    RoutingRule.objects.create(category=hidden, area=city, handler_department=department)
    dispatcher = make_user(Role.COMMUNITY_STAFF, community, username="dispatcher")
    # Someone handles the department's cases (nobody to handle them refuses a dispatch).
    make_user(Role.DEPARTMENT_HANDLER, department=department, username="cg-handler")
    return Open311World(
        grid, community, department, group, Category.objects.get(pk=leaf.pk), hidden, dispatcher
    )


@dataclass
class PatrolWorld:
    g1: Area
    g2: Area
    g3: Area
    g4: Area
    community1: Area
    community2: Area
    street: Area
    staff: User  # community staff of community 1
    street_staff: User
    worker_a: User  # g1
    worker_b: User  # g2
    worker_c: User  # g3 (community 2)


def build_patrol_world() -> PatrolWorld:
    """One street, two communities of two grids; a worker assigned to each of g1–g3."""
    from wangge.patrols.services import grid_assign

    build_city(districts=1, streets=1, communities=2, grids=2)
    g1, g2, g3, g4 = grids()
    community1, community2 = areas(AreaKind.COMMUNITY)
    street = Area.objects.get(kind=AreaKind.STREET)
    staff = make_user(Role.COMMUNITY_STAFF, community1, username="community1")
    street_staff = make_user(Role.STREET_STAFF, street, username="street")
    worker_a = make_user(username="worker_a")
    worker_b = make_user(username="worker_b")
    worker_c = make_user(username="worker_c")
    grid_assign(actor=staff, worker=worker_a, grid=g1, since=date(2026, 1, 1))
    grid_assign(actor=staff, worker=worker_b, grid=g2, since=date(2026, 1, 1))
    grid_assign(actor=street_staff, worker=worker_c, grid=g3, since=date(2026, 1, 1))
    return PatrolWorld(
        g1,
        g2,
        g3,
        g4,
        community1,
        community2,
        street,
        staff,
        street_staff,
        reload(worker_a),
        reload(worker_b),
        reload(worker_c),
    )


@dataclass
class NeighbourGridsWorld:
    worker: User
    other_worker: User
    resident: Resident
    other_resident: Resident


def build_neighbour_grids_world(id_number: str, other_id_number: str) -> NeighbourGridsWorld:
    """Two grids of one community, a grid worker and one resident in each."""
    build_city(districts=1, streets=1, communities=1, grids=2)
    grid, other_grid = grids()
    worker = make_user(Role.GRID_WORKER, grid, username="wangfang")
    other_worker = make_user(Role.GRID_WORKER, other_grid, username="liqiang")
    resident = make_resident(make_household(grid), name="张三", id_number=id_number)
    other_resident = make_resident(
        make_household(other_grid), name="李四", id_number=other_id_number
    )
    return NeighbourGridsWorld(worker, other_worker, resident, other_resident)


@dataclass
class RoleAdminWorld:
    secadmin: User
    newcomer: User
    grid: Area


def build_role_admin_world() -> RoleAdminWorld:
    """A security administrator and a new account without roles (display name 新网格员)."""
    build_city(districts=1, streets=1, communities=1, grids=2)
    secadmin = make_user(Role.SECURITY_ADMIN, username="secadmin")
    newcomer = make_user(username="wg001", password=PASSWORD)
    newcomer.display_name = "新网格员"
    newcomer.save()
    return RoleAdminWorld(secadmin, newcomer, grids()[0])


@dataclass
class DashboardWorld:
    data: object  # wangge.testing.indicator_city.Data: figures worked out by hand
    city_officer: User
    street_officer: User


def build_dashboard_world() -> DashboardWorld:
    """The indicators' hand-worked city, a city officer and a street officer."""
    from wangge.testing.indicator_city import build_data

    data = build_data(build_city())
    return DashboardWorld(
        data=data,
        city_officer=make_user(Role.CITY_OFFICER, data.city, username="city"),
        street_officer=make_user(Role.STREET_STAFF, data.s1, username="street"),
    )
