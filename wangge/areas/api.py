from django.utils.translation import gettext as _
from ninja import Router, Schema

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area
from wangge.areas.services import area_locate_point
from wangge.core.errors import NotFoundOrForbidden

API_PREFIX = "/areas"
router = Router(tags=["区域"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    depth: int


@router.get("/locate", response=AreaOut | None, summary="定位坐标所属网格")
def locate(request, lat: float, lng: float, system: str = "wgs84"):
    """Convert a WGS84 / GCJ-02 / BD-09 point and return the grid containing it."""
    grid = area_locate_point(lat=lat, lng=lng, system=system)
    if grid is None:
        return None
    return grid


@router.get("/{area_id}/children", response=list[AreaOut], summary="下级区域")
def children(request, area_id: int):
    area = filter_to_scope(Area.objects.all(), request.user, field="path").filter(pk=area_id)
    node = area.first()
    if node is None:
        raise NotFoundOrForbidden(_("未找到该区域"))
    return list(Area.objects.get_children(node))
