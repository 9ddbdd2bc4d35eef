"""The service positions' API: the registry in the caller's scope, the coverage figures
and the nearest positions from a point."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from wangge.core import clock
from wangge.core.errors import PermissionRefused

from . import coverage, selectors
from .permissions import can_read_facilities
from .services import coordinates_wgs84

API_PREFIX = "/facilities"
router = Router(tags=["服务阵地"])


class FacilityOut(Schema):
    id: int
    name: str
    type: str
    address: str
    lat: float
    lng: float
    opening_hours: str
    active: bool


class NearOut(Schema):
    id: int
    name: str
    type: str
    distance: float
    by_network: bool
    open_now: bool | None


class RunOut(Schema):
    finished_at: str | None
    straight_line: bool
    homes: int
    unsnapped: int


def _require_reader(request) -> None:
    if not can_read_facilities(request.user):
        raise PermissionRefused(_("没有查看服务阵地的权限"))


@router.get("/", response=list[FacilityOut], summary="我范围内的服务阵地")
def facility_list(
    request,
    limit: int = Query(200, ge=1, le=500, description="每页条数（1–500）"),
    offset: int = Query(0, ge=0, le=10_000_000, description="跳过的条数"),
):
    _require_reader(request)
    rows = selectors.facilities_in_scope(request.user).order_by("id")[offset : offset + limit]
    return [FacilityOut(id=f.pk, name=f.name, type=f.facility_type.code, address=f.address, lat=f.lat, lng=f.lng,
                        opening_hours=f.opening_hours, active=f.active) for f in rows]


@router.get("/coverage-run", response=RunOut, summary="生活圈覆盖最近一次计算")
def coverage_run(request):
    _require_reader(request)
    run = coverage.last_run()
    if run is None:
        return RunOut(finished_at=None, straight_line=True, homes=0, unsnapped=0)
    return RunOut(finished_at=run.finished_at.isoformat(), straight_line=run.straight_line, homes=run.homes,
                  unsnapped=run.unsnapped)


@router.get("/near", response=list[NearOut], summary="离某点最近的各类阵地")
def near(request, lat: float, lng: float, coord_system: str = "wgs84"):
    wlat, wlng = coordinates_wgs84(lat, lng, coord_system)
    out = []
    for ftype, items in selectors.nearest_by_type(wlat, wlng, clock.now()):
        out += [NearOut(id=n.facility.pk, name=n.facility.name, type=ftype.code, distance=n.distance,
                        by_network=n.by_network, open_now=n.open_now) for n in items]
    return out
