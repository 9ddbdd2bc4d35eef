"""The 15-minute circle in the monthly briefing (through the facilities' indicators:
per type the shares within 5, 10 and 15 minutes, the residents left out, per sub-area,
and the worst-served sub-area), the walking speed scaling the circles, and the basemap
offered to every map through wangge.core.basemap (hand-checked on the one-street
fixture, conftest)."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from wangge.core.basemap import basemap_url
from wangge.facilities import coverage
from wangge.facilities.models import Facility, FacilityType, HomeAccess, Network
from wangge.indicators.briefing import briefing_build, briefing_workbook
from wangge.indicators.briefing_docx import briefing_document
from wangge.indicators.periods import Period

from .conftest import LAT, load_street, node_lng

PERIOD = Period(2026, 3)


def _estate_station_at(street, node: int):
    Facility.objects.create(facility_type=FacilityType.objects.get(code="estate_station"), area=street.grid2,
                            area_path=street.grid2.path, name="小区服务站", lat=LAT, lng=node_lng(node))


def test_distances_reach_the_fifteen_minute_circle_for_every_type(street):
    # an estate station serves a 5-minute circle (300 m), yet its 15-minute share is reported
    load_street()
    _estate_station_at(street, 17)
    coverage.recompute()
    rows = {r.building.name: r for r in
            HomeAccess.objects.filter(facility_type__code="estate_station").select_related("building")}
    assert rows["3号楼"].distance == pytest.approx(300, abs=0.5) and rows["3号楼"].covered
    # 800 m: outside its own circle but searched (formerly cut at 2 × 300 m)
    assert rows["4号楼"].distance == pytest.approx(800, abs=0.5) and not rows["4号楼"].covered
    assert rows["2号楼"].distance == pytest.approx(800, abs=0.5)


def test_briefing_has_the_circle_section_with_shares_gaps_and_sub_areas(street):
    load_street()
    _estate_station_at(street, 17)
    coverage.recompute()

    briefing = briefing_build(user=street.staff, area=street.community, period=PERIOD)

    section = next(s for s in briefing.sections if s["key"] == "circle")
    assert section["title"] == "15分钟生活圈覆盖情况"
    assert "300、500、1000 米" in section["note"] and "覆盖率计算于" in section["note"]
    assert section["columns"] == ["5分钟生活圈", "10分钟生活圈", "15分钟生活圈", "本类阵地服务圈内", "服务圈外居民"]
    rows = {row["label"]: row["cells"] for row in section["rows"]}
    # 29 residents. Party centre at node 0: 10 at 200 m, 5 at 900 m; the off-network 4 and
    # grid 2's 10 (2000 m, 2500 m) never. 15-minute circle: 15 / 29.
    assert rows["党群服务中心"] == ["34.5%", "34.5%", "51.7%", "51.7%", "14人"]
    # Estate station at node 17: 7 at 300 m; 3 and 5 at 800 m; 10 at 1500 m. Own circle 5 min.
    assert rows["小区服务站"] == ["24.1%", "24.1%", "51.7%", "24.1%", "22人"]
    # a type with no position: nobody within any circle
    assert rows["红色驿站"] == ["0.0%", "0.0%", "0.0%", "0.0%", "29人"]
    # per sub-area (the community's grids), the type's own circle
    by_grid = {row["area"].name: row["cells"] for row in section["areas"]}
    assert by_grid[street.grid1.name][0] == "78.9%" and by_grid[street.grid2.name][0] == "0.0%"
    assert by_grid[street.grid1.name][2] == "0.0%" and by_grid[street.grid2.name][2] == "70.0%"
    # the gaps name the worst-served grid and the residents it leaves out
    assert (f"党群服务中心服务圈外居民14人，{street.grid2.name}党群服务中心生活圈覆盖率最低（0.0%，10人）。"
            in section["gaps"])

    # the same section in the Word document and the Excel file
    document = briefing_document(briefing)
    from docx import Document

    word = Document(io.BytesIO(document))
    assert any(p.text.endswith("15分钟生活圈覆盖情况") for p in word.paragraphs)
    assert any(t.rows[0].cells[-1].text == "服务圈外居民" for t in word.tables)
    sheet = load_workbook(io.BytesIO(briefing_workbook(briefing)))["15分钟生活圈覆盖情况"]
    first = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[0] == "党群服务中心" and first[3] == pytest.approx(51.7)


def test_briefing_page_shows_the_section_and_leaves_it_out_before_any_computation(street):
    client = Client()
    client.force_login(street.staff)
    url = f"/dashboard/{street.community.code}/briefing/?period=2026-03"
    assert "briefing-circle" not in client.get(url).content.decode()  # nothing computed yet
    load_street()
    coverage.recompute()
    page = client.get(url).content.decode()
    assert 'id="briefing-circle"' in page and "服务圈外居民" in page


def test_a_slower_walking_speed_shrinks_every_circle(street, settings):
    settings.WANGGE_FACILITY_WALK_SPEED = 60  # older residents: 225 / 375 / 750 m
    assert coverage.circle_metres("15") == 750
    load_street()
    coverage.recompute()
    rows = {r.building.name: r for r in
            HomeAccess.objects.filter(facility_type__code="party_center").select_related("building")}
    assert rows["1号楼"].covered and not rows["2号楼"].covered  # 900 m > 750 m


def test_the_basemap_is_offered_to_every_map_once_a_network_is_loaded(street):
    # no network: no basemap, the report page's map has none and works as before
    assert basemap_url() == ""
    client = Client()
    assert 'data-basemap=""' in client.get("/cases/report/").content.decode()
    load_street()
    assert basemap_url() == "/facilities/basemap.json"
    page = client.get("/cases/report/").content.decode()
    assert 'data-basemap="/facilities/basemap.json"' in page and "web/basemap.js" in page
    answer = client.get("/facilities/basemap.json", {"s": 40.5, "w": 109.79, "n": 40.51, "e": 109.84}).json()
    assert len(answer["lines"]) == 30 and answer["attribution"] == "© OpenStreetMap"


def test_a_generated_network_says_so_instead_of_naming_openstreetmap(street):
    load_street()
    Network.objects.update(synthetic=True)
    answer = Client().get("/facilities/basemap.json", {"s": 40.5, "w": 109.79, "n": 40.51, "e": 109.84}).json()
    assert answer["synthetic"] and answer["attribution"] == "示意路网，系生成数据"
