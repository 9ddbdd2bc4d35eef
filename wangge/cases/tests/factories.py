"""Builders for closed-loop tests: a small world of units and people, and cases in any state.

States are reached through the real services (``CaseFactory.dispatched(world)``), so a
test starts from a case exactly as the workflow leaves it.
"""

import io
from dataclasses import dataclass

from PIL import Image

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area
from wangge.cases.models import Case, Category, RoutingRule
from wangge.cases.services import case_report, case_transition
from wangge.testing import grids, make_user


def image_bytes(fmt: str, size: tuple[int, int] = (8, 6), **options) -> bytes:
    """A real, decodable image (photos are decoded and re-encoded on upload)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **options)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")


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


def grid_point(grid: Area) -> tuple[float, float]:
    """A point inside the grid's square polygon."""
    return grid.min_lat + 0.005, grid.min_lng + 0.005


def anonymous_report_form(world: World, **extra) -> dict:
    """The public report page's form for an anonymous resident, inside the world's grid."""
    lat, lng = grid_point(world.grid)
    return {
        "category": str(world.category.pk),
        "description": "楼下路灯一直不亮",
        "lat": str(lat),
        "lng": str(lng),
        "coord_system": "wgs84",
        "anonymous": "on",
        **extra,
    }


class CaseFactory:
    """Cases in each state, reached through the workflow services."""

    @staticmethod
    def reported(world: World, *, actor=None, grid: Area | None = None, **kwargs) -> Case:
        lat, lng = grid_point(grid or world.grid)
        params = {
            "category": world.category,
            "description": "小区门口路灯不亮",
            "source": "resident",
            "lat": lat,
            "lng": lng,
        }
        params.update(kwargs)
        return case_report(actor=actor, **params)

    @staticmethod
    def _step(world: World, case: Case, action: str, actor: str, **params) -> Case:
        return case_transition(actor=world.user(actor), case_id=case.pk, action=action, **params)

    @classmethod
    def accepted(cls, world: World, **kwargs) -> Case:
        return cls._step(world, cls.reported(world, **kwargs), "accept", "community_staff")

    @classmethod
    def dispatched(cls, world: World, **kwargs) -> Case:
        return cls._step(world, cls.accepted(world, **kwargs), "dispatch", "community_staff")

    @classmethod
    def in_progress(cls, world: World, **kwargs) -> Case:
        return cls._step(world, cls.dispatched(world, **kwargs), "sign", "handler")

    @classmethod
    def resolved(cls, world: World, **kwargs) -> Case:
        return cls._step(
            world, cls.in_progress(world, **kwargs), "resolve", "handler", result="已更换灯泡"
        )

    @classmethod
    def verified(cls, world: World, **kwargs) -> Case:
        return cls._step(world, cls.resolved(world, **kwargs), "verify", "grid_worker", passed=True)

    @classmethod
    def closed(cls, world: World, **kwargs) -> Case:
        return cls._step(world, cls.verified(world, **kwargs), "close", "community_staff")

    @classmethod
    def returned(cls, world: World, **kwargs) -> Case:
        return cls._step(
            world, cls.dispatched(world, **kwargs), "return", "handler", reason="不属于本部门职责"
        )

    @classmethod
    def suspended(cls, world: World, **kwargs) -> Case:
        return cls._step(
            world,
            cls.in_progress(world, **kwargs),
            "suspend",
            "community_staff",
            reason="需列入明年改造计划",
        )

    @classmethod
    def with_pending_extension(cls, world: World, **kwargs) -> Case:
        return cls._step(
            world,
            cls.in_progress(world, **kwargs),
            "extend_request",
            "handler",
            days=3,
            reason="需采购配件",
        )

    @classmethod
    def build(cls, world: World, state: str, **kwargs) -> Case:
        return getattr(cls, state)(world, **kwargs)
