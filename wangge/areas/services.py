from django.db import transaction
from django.utils.translation import gettext as _

from wangge.areas.geo import COORD_SYSTEMS, bounding_box, to_wgs84
from wangge.areas.models import KIND_DEPTH, Area, AreaKind
from wangge.areas.reference import grid_containing
from wangge.core.errors import ApplicationError

_CHILD_KIND = {
    AreaKind.CITY: AreaKind.DISTRICT,
    AreaKind.DISTRICT: AreaKind.STREET,
    AreaKind.STREET: AreaKind.COMMUNITY,
    AreaKind.COMMUNITY: AreaKind.GRID,
    AreaKind.GRID: AreaKind.MICROGRID,
}


def _validate_polygon(polygon: dict | None) -> tuple | None:
    if polygon is None:
        return None
    try:
        return bounding_box(polygon)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ApplicationError(
            _("边界必须是 WGS84 坐标的 GeoJSON Polygon 或 MultiPolygon"), field="polygon"
        ) from exc


def polygon_check(polygon: dict | None) -> None:
    """Refuse what is not a WGS84 GeoJSON (Multi)Polygon, as saving it would."""
    _validate_polygon(polygon)


def _apply_polygon(area: Area, polygon: dict | None) -> None:
    box = _validate_polygon(polygon)
    area.polygon = polygon
    area.min_lat, area.max_lat, area.min_lng, area.max_lng = box or (None, None, None, None)


@transaction.atomic
def area_create(
    *, parent: Area | None, kind: str, code: str, name: str, polygon: dict | None = None
) -> Area:
    """Add a node; the kind must be the one level below its parent (city at the root)."""
    if parent is None and kind != AreaKind.CITY:
        raise ApplicationError(_("顶层区域必须是市"), field="kind")
    if parent is not None and _CHILD_KIND.get(parent.kind) != kind:
        raise ApplicationError(
            f"{AreaKind(parent.kind).label}下只能建立{AreaKind(_CHILD_KIND[parent.kind]).label}"
            if parent.kind in _CHILD_KIND
            else "微网格下不能再建下级",
            field="kind",
        )
    if kind in (AreaKind.GRID, AreaKind.MICROGRID) and not (
        code.startswith(parent.code) and len(code) == len(parent.code) + 3 and code.isdigit()
    ):
        raise ApplicationError(_("网格编码应为上级编码加 3 位顺序号"), field="code")
    if Area.objects.filter(code=code).exists():
        raise ApplicationError(f"区划代码 {code} 已存在", field="code")
    node = Area(kind=kind, code=code, name=name)
    _apply_polygon(node, polygon)
    if parent is None:
        return Area.objects.add_root(instance=node)
    return Area.objects.add_child(parent, instance=node)


def area_set_polygon(*, area: Area, polygon: dict | None) -> Area:
    _apply_polygon(area, polygon)
    area.save(update_fields=["polygon", "min_lat", "max_lat", "min_lng", "max_lng"])
    return area


def area_locate_point(
    *, lat: float, lng: float, system: str = "wgs84", within: Area | None = None
) -> Area | None:
    """The deepest grid (or micro-grid) whose polygon contains the point, or None."""
    if system.lower().replace("-", "") not in COORD_SYSTEMS:
        raise ApplicationError(_("坐标系只能是 wgs84、gcj02 或 bd09"), field="system")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ApplicationError(_("经纬度超出范围"), field="lat")
    wlat, wlng = to_wgs84(lat, lng, system)
    return grid_containing(wlat, wlng, within=within.path if within is not None else "")


def depth_of(kind: str) -> int:
    return KIND_DEPTH[AreaKind(kind)]
