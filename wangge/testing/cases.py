"""Cases in any state, for the closed-loop world (wangge.testing.worlds.build_world).

States are reached through the real services (``CaseFactory.dispatched(world)``), so a
test starts from a case exactly as the workflow leaves it.
"""

import io

from PIL import Image

from wangge.areas.models import Area
from wangge.cases.models import Case
from wangge.cases.services import case_report, case_transition
from wangge.testing.worlds import World


def image_bytes(fmt: str, size: tuple[int, int] = (8, 6), **options) -> bytes:
    """A real, decodable image (photos are decoded and re-encoded on upload)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **options)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")


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


def categories_ensure() -> None:
    """Reseed the migration's categories when an earlier transactional test's flush removed
    them (a live server or subprocess test needs them in the database itself)."""
    from importlib import import_module

    from django.apps import apps

    from wangge.cases.models import Category

    if not Category.objects.exists():
        import_module("wangge.cases.migrations.0002_seed_categories_sla_calendar").seed(apps, None)
