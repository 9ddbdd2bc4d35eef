"""The pages: registry list with filters and pagination, the form's field errors and the
conflict message, scope (404), the station log's idempotency, the gap map, the scenario
page with its suggestion, and the public "services near me" with its basemap."""

from django.test import Client

from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.facilities.models import Facility, FacilityType, Service, ServiceLog
from wangge.facilities.services import facility_update
from wangge.testing.users import make_user

from .conftest import LAT, load_street, node_lng


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_and_paginates(street):
    party = FacilityType.objects.get(code="party_center")
    Facility.objects.bulk_create([Facility(facility_type=party, area=street.grid1, area_path=street.grid1.path,
                                           name=f"驿站{i:02d}", lat=LAT, lng=node_lng(1)) for i in range(25)])
    client = client_for(street.staff)
    page1 = client.get("/facilities/")
    assert page1.status_code == 200 and "共 26 条" in page1.content.decode()
    found = client.get("/facilities/", {"q": "驿站07"}).content.decode()
    assert "驿站07" in found and "驿站08" not in found
    assert client.get("/facilities/", {"page": 2}).status_code == 200
    # the other community's staff sees none of them
    assert "共 0 条" in client_for(street.other_staff).get("/facilities/").content.decode()
    assert client_for(street.other_staff).get(f"/facilities/{street.center.pk}/").status_code == 404


def test_create_form_shows_field_errors_in_chinese(street):
    response = client_for(street.staff).post("/facilities/new/", {"name": "", "lat": "abc"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写名称" in text and "纬度应为数字" in text and "请选择阵地类型" in text


def test_create_with_gcj02_stores_wgs84_and_audits(street):
    from wangge.areas.geo import wgs84_to_gcj02

    glat, glng = wgs84_to_gcj02(LAT, node_lng(12))
    party = FacilityType.objects.get(code="party_center")
    response = client_for(street.staff).post("/facilities/new/", {
        "facility_type": party.pk, "name": "新中心", "area": street.grid2.code, "coord_system": "gcj02",
        "lat": glat, "lng": glng, "services": [Service.objects.get(code="water").pk], "active": "on"})
    assert response.status_code == 302
    created = Facility.objects.get(name="新中心")
    assert abs(created.lat - LAT) < 1e-5 and abs(created.lng - node_lng(12)) < 1e-5
    assert AuditEvent.objects.filter(action="facility_create", object_id=str(created.pk)).exists()


def test_create_outside_scope_is_refused_and_leaves_no_trace(street):
    party = FacilityType.objects.get(code="party_center")
    response = client_for(street.other_staff).post("/facilities/new/", {
        "facility_type": party.pk, "name": "越界", "area": street.grid1.code, "coord_system": "wgs84",
        "lat": LAT, "lng": node_lng(3)})
    assert response.status_code == 400 and "has-error" in response.content.decode()
    assert not Facility.objects.filter(name="越界").exists()


def test_stale_version_gets_a_conflict_message(street):
    facility_update(actor=street.staff, facility=street.center, version=1, area=street.grid1, lat=LAT,
                    lng=node_lng(0), name="改过的名字")
    party = FacilityType.objects.get(code="party_center")
    response = client_for(street.staff).post(f"/facilities/{street.center.pk}/edit/", {
        "facility_type": party.pk, "name": "第二次修改", "area": street.grid1.code, "coord_system": "wgs84",
        "lat": LAT, "lng": node_lng(0), "version": 1})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    street.center.refresh_from_db()
    assert street.center.name == "改过的名字"


def test_station_log_is_recorded_once_per_key(street):
    water = Service.objects.get(code="water")
    street.center.services.add(water)
    worker = make_user(Role.GRID_WORKER, street.grid1)
    client = client_for(worker)
    assert client.get(f"/facilities/{street.center.pk}/log/").status_code == 200
    data = {"service": water.pk, "date": "2026-01-05", "people": 12, "key": "k-1"}
    assert client.post(f"/facilities/{street.center.pk}/log/", data).status_code == 302
    assert client.post(f"/facilities/{street.center.pk}/log/", data).status_code == 302
    assert ServiceLog.objects.get().people == 12
    bad = client.post(f"/facilities/{street.center.pk}/log/", {"service": water.pk, "date": "", "people": -1})
    assert "请填写日期" in bad.content.decode() and "人次不能为负" in bad.content.decode()
    other = make_user(Role.GRID_WORKER, street.grid2)
    assert client_for(other).get(f"/facilities/{street.center.pk}/log/").status_code == 404
    usage = client_for(street.staff).get("/facilities/usage/", {"month": "2026-01"}).content.decode()
    assert "一号党群服务中心" in usage and "12" in usage


def test_gap_page_lists_worst_grids_and_says_when_computed(street):
    from wangge.facilities import coverage

    load_street()
    coverage.recompute()
    client = client_for(street.staff)
    text = client.get("/facilities/gaps/").content.decode()
    assert "覆盖率计算于" in text and "步行路网距离" in text and "远楼" in text
    homes = client.get("/facilities/gaps/homes.json").json()
    assert len(homes["homes"]) == 5 and homes["threshold"] == 1000
    assert sorted(a["share"] for a in homes["areas"]) == [0.0, 78.9]


def test_scenario_page_shows_coverage_rise_and_suggests_sites(street):
    from wangge.facilities import coverage

    load_street()
    coverage.recompute()
    party = FacilityType.objects.get(code="party_center")
    client = client_for(street.staff)
    response = client.post("/facilities/scenarios/", {"name": "补点", "facility_type": party.pk,
                                                       "area": street.community.code})
    assert response.status_code == 302
    url = response["Location"]
    assert ">51.7%" in client.get(url).content.decode()
    suggested = client.post(url, {"action": "suggest", "k": 2}).content.decode()
    assert 'id="suggestions"' in suggested and "新增覆盖 10 人" in suggested
    assert client.post(url, {"kind": "add", "lat": LAT, "lng": node_lng(22), "action": "change"}).status_code == 302
    text = client.get(url).content.decode()
    assert 'id="coverage-after">86.2%' in text
    missing = client.post(url, {"kind": "add", "action": "change"})
    assert "请填写坐标或在地图上点选" in missing.content.decode()
    assert "没有能增加覆盖的位置" in client.post(url, {"action": "suggest", "k": 2}).content.decode()
    assert client_for(street.other_staff).get(url).status_code == 404


def test_services_near_me_is_public_and_labels_straight_lines(street):
    client = Client()
    assert client.get("/facilities/near/").status_code == 200
    text = client.get("/facilities/near/results/", {"lat": LAT, "lng": node_lng(3)}).content.decode()
    assert "一号党群服务中心" in text and "直线距离" in text
    load_street()
    text = client.get("/facilities/near/results/", {"lat": LAT, "lng": node_lng(3)}).content.decode()
    assert "步行路线 300 米" in text
    by_address = client.get("/facilities/near/results/", {"q": "3号楼"}).content.decode()
    assert "从 3号楼 出发" in by_address or "3号楼" in by_address
    lines = client.get("/facilities/basemap.json", {"s": 40.5, "w": 109.79, "n": 40.51, "e": 109.84}).json()
    assert len(lines["lines"]) == 30


def test_pages_are_404_to_residents_and_workers(street):
    worker = make_user(Role.GRID_WORKER, street.grid1)
    client = client_for(worker)
    for url in ("/facilities/", "/facilities/gaps/", "/facilities/scenarios/", "/facilities/new/"):
        assert client.get(url).status_code == 404, url


def test_grid_worker_finds_the_stations_to_log(street):
    worker = make_user(Role.GRID_WORKER, street.grid1)
    text = client_for(worker).get("/facilities/stations/").content.decode()
    assert "一号党群服务中心" in text and f"/facilities/{street.center.pk}/log/" in text
    other = make_user(Role.GRID_WORKER, street.grid2)
    assert "一号党群服务中心" not in client_for(other).get("/facilities/stations/").content.decode()
