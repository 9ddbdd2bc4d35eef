import pytest

from wangge.areas.geo import gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_create, area_locate_point
from wangge.core.errors import ApplicationError
from wangge.testing import grids


def test_everything_under_a_street_is_one_prefix_query(city):
    street = Area.objects.filter(kind=AreaKind.STREET).order_by("path").first()
    under = Area.objects.filter(path__startswith=street.path).exclude(pk=street.pk)
    assert under.filter(kind=AreaKind.COMMUNITY).count() == 2
    assert under.filter(kind=AreaKind.GRID).count() == 4
    assert all(node.code.startswith(street.code[:9]) for node in under)


def test_tree_levels_are_enforced(city):
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).first()
    with pytest.raises(ApplicationError, match="社区/村/嘎查下只能建立网格"):
        area_create(parent=community, kind=AreaKind.STREET, code="999", name="x")
    with pytest.raises(ApplicationError, match="上级编码加 3 位"):
        area_create(parent=community, kind=AreaKind.GRID, code="12345", name="x")
    with pytest.raises(ApplicationError, match="GeoJSON"):
        area_create(
            parent=community,
            kind=AreaKind.GRID,
            code=community.code + "009",
            name="x",
            polygon={"type": "Point", "coordinates": [1, 2]},
        )


def test_point_in_a_grid_is_located_in_every_coordinate_system(city):
    grid = grids()[0]
    # the centre of its square, in WGS84 (GeoJSON is [lng, lat])
    ring = grid.polygon["coordinates"][0]
    lat, lng = (ring[0][1] + ring[2][1]) / 2, (ring[0][0] + ring[2][0]) / 2
    assert area_locate_point(lat=lat, lng=lng) == grid
    # the same place as AMap/Tencent (GCJ-02) and Baidu (BD-09) would report it
    glat, glng = wgs84_to_gcj02(lat, lng)
    assert area_locate_point(lat=glat, lng=glng, system="gcj02") == grid
    blat, blng = gcj02_to_bd09(glat, glng)
    assert area_locate_point(lat=blat, lng=blng, system="BD-09") == grid
    # GCJ-02 offsets are hundreds of metres: without conversion the point may land elsewhere
    assert abs(glat - lat) + abs(glng - lng) > 0.001


def test_gcj02_inverse_is_precise():
    lat, lng = 40.6574, 109.8403
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert abs(back[0] - lat) < 1e-6 and abs(back[1] - lng) < 1e-6


def test_point_outside_every_grid_is_none_and_bad_input_is_refused(city):
    assert area_locate_point(lat=30.0, lng=120.0) is None
    with pytest.raises(ApplicationError, match="坐标系"):
        area_locate_point(lat=40.6, lng=109.8, system="mercator")
    with pytest.raises(ApplicationError, match="超出范围"):
        area_locate_point(lat=140.6, lng=109.8)


def test_locate_api_answers_with_field_level_errors(client, city):
    from wangge.accounts.models import Role
    from wangge.testing import make_user

    client.force_login(make_user(Role.CITY_OFFICER, city))
    grid = grids()[1]
    ring = grid.polygon["coordinates"][0]
    lat, lng = ring[0][1] + 0.001, ring[0][0] + 0.001
    assert client.get("/api/areas/locate", {"lat": lat, "lng": lng}).json()["code"] == grid.code
    bad = client.get("/api/areas/locate", {"lat": lat, "lng": lng, "system": "nope"})
    assert bad.status_code == 400
    assert bad.json()["detail"][0]["loc"] == ["body", "system"]
    assert client.get("/api/areas/locate", {"lat": "abc", "lng": lng}).status_code == 422
