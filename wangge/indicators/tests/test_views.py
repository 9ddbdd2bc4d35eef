"""Dashboard pages, JSON endpoints, the map data and the monthly briefing."""

import io
import json

import pytest
from openpyxl import load_workbook

from wangge.audit.models import AuditEvent
from wangge.testing import Role, make_user


@pytest.fixture
def city_officer(data, client):
    officer = make_user(Role.CITY_OFFICER, data.city, username="city-officer")
    client.force_login(officer)
    return officer


def chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_dashboard_home_opens_the_users_root(data, city_officer, client):
    # when
    response = client.get("/dashboard/?period=2026-03")

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/{data.city.code}/?period=2026-03"


def test_city_dashboard_shows_districts_and_links_down(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/?period=2026-03")

    # then
    assert response.status_code == 200
    payload = chart_data(response)
    assert payload["rank_by"] == "composite_score"
    assert [
        (c["code"], c["rank"], c["values"]["composite_score"]) for c in payload["children"]
    ] == [
        (data.d2.code, 1, 100.0),
        (data.d1.code, 2, 25.8),
    ]
    assert payload["children"][0]["url"] == (
        f"/dashboard/{data.d2.code}/?period=2026-03&rank_by=composite_score"
    )
    assert payload["trend"]["months"][-1] == "2026-03"
    assert payload["trend"]["series"]["cases_received"][-2:] == [1, 5]
    assert [d["name"] for d in payload["departments"]] == ["住建局", "城管局"]
    html = response.content.decode()
    assert f'href="/dashboard/{data.d1.code}/?period=2026-03&amp;rank_by=composite_score"' in html


def test_names_from_records_are_escaped(data, city_officer, client):
    # given
    data.d1.name = "<script>alert(1)</script>"
    data.d1.save(update_fields=["name"])

    # when
    response = client.get(f"/dashboard/{data.city.code}/?period=2026-03")

    # then
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert chart_data(response)["children"][1]["name"] == "<script>alert(1)</script>"


def test_rank_by_any_indicator_and_bad_input_falls_back(data, city_officer, client):
    # when
    by_residents = client.get(f"/dashboard/{data.city.code}/?period=2026-03&rank_by=residents")
    bogus = client.get(f"/dashboard/{data.city.code}/?period=2026-13&rank_by=nonsense")

    # then
    assert [c["code"] for c in chart_data(by_residents)["children"]] == [
        data.d1.code,
        data.d2.code,
    ]
    assert (chart_data(bogus)["rank_by"], chart_data(bogus)["period"]) == (
        "composite_score",
        "2026-04",
    )


def test_grid_dashboard_has_no_ranking_but_all_indicators(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.g[0].code}/?period=2026-03")

    # then
    assert response.status_code == 200
    assert chart_data(response)["children"] == []
    assert response.context["board"].figures.total["residents"] == 3


def test_data_json_is_the_screen_feed(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.s1.code}/data.json?period=2026-03")

    # then
    payload = response.json()
    assert response["Cache-Control"].startswith("max-age=0")
    assert {row["code"]: row["value"] for row in payload["headline"]}["cases_received"] == 4
    assert [c["code"] for c in payload["children"]] == [data.c1.code, data.c2.code]


def test_screen_page_embeds_its_feed(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/screen/?period=2026-03&refresh=1")

    # then
    assert response.status_code == 200
    config = response.context["screen_config"]
    assert config == {
        "data_url": f"/dashboard/{data.city.code}/data.json?period=2026-03",
        "refresh_seconds": 2,
        "back_url": f"/dashboard/{data.city.code}/?period=2026-03",
        "map_url": "",
        "basemap_url": "",
        "tile_url": "",
    }
    # no tiles and no basemap: the screen is as it always was, with no map panel
    assert b"screen-map" not in response.content
    assert b"leaflet" not in response.content


def test_screen_and_grid_map_draw_the_basemap_when_one_is_loaded(data, city_officer, client, settings):
    # given a walking network loaded by the facilities app (found through nav.BASEMAP)
    from wangge.facilities.models import Network

    settings.WANGGE_MAP_TILE_URL = ""
    Network.objects.create(name="路网", path="n.npz", nodes=2, edges=1, min_lat=40.5, max_lat=40.6,
                           min_lng=109.8, max_lng=109.9)

    # when
    screen = client.get(f"/dashboard/{data.city.code}/screen/?period=2026-03")
    grid_map = client.get(f"/dashboard/{data.city.code}/map/?period=2026-03")

    # then the screen has its map panel over the basemap, and the grid map knows the basemap
    config = screen.context["screen_config"]
    assert config["basemap_url"] == "/facilities/basemap.json"
    assert config["map_url"].startswith(f"/dashboard/{data.city.code}/map.json?period=2026-03&indicator=")
    assert b'id="screen-map"' in screen.content
    assert b"web/basemap.js" in screen.content
    assert grid_map.context["map_config"]["basemap_url"] == "/facilities/basemap.json"
    assert b"web/basemap.js" in grid_map.content


def test_map_data_colours_grids_and_lists_case_points(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.s1.code}/map.json?period=2026-03&indicator=residents")

    # then
    payload = response.json()
    assert [
        (f["properties"]["code"], f["properties"]["value"]) for f in payload["grids"]["features"]
    ] == [(data.g[0].code, 3), (data.g[1].code, 0), (data.g[2].code, 1), (data.g[3].code, 0)]
    assert payload["grids"]["features"][0]["geometry"] == data.g[0].polygon
    points = payload["cases"]["features"]
    # March's four cases of the street and c6, still open from February
    assert sorted(p["properties"]["number"] for p in points) == sorted(
        data.cases[key].number for key in ("c1", "c2", "c3", "c4", "c6")
    )
    assert set(points[0]["properties"]) == {
        "number",
        "url",
        "status",
        "status_label",
        "category",
        "date",
    }
    assert points[0]["properties"]["url"] == f"/cases/{data.cases['c4'].pk}/"
    assert "路灯不亮" not in response.content.decode()
    assert payload["cases"]["truncated"] is False


def test_map_points_are_capped(data, city_officer, client, settings):
    # given
    settings.WANGGE_MAP_MAX_POINTS = 2

    # when
    payload = client.get(f"/dashboard/{data.city.code}/map.json?period=2026-03").json()

    # then
    assert (len(payload["cases"]["features"]), payload["cases"]["truncated"]) == (2, True)


def test_map_page_carries_the_tile_setting(data, city_officer, client, settings):
    # given
    settings.WANGGE_MAP_TILE_URL = ""

    # when
    response = client.get(f"/dashboard/{data.city.code}/map/?indicator=cases_received")

    # then
    config = response.context["map_config"]
    assert (config["tile_url"], config["indicator"]["code"]) == ("", "cases_received")


def test_briefing_page_prints_the_tables(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.d1.code}/briefing/?period=2026-03")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "第1区2026年3月网格化基层治理工作通报" in html
    assert [row["area"] for row in response.context["board"].ranking] == [data.s1, data.s2]
    assert "@media print" not in html  # print rules live in the stylesheet
    assert "indicators/indicators.css" in html


def test_briefing_excel_has_the_tables_escaped_and_is_audited(data, city_officer, client):
    # given: names that a spreadsheet would run as formulas
    data.dept_a.name = '=HYPERLINK("http://evil")'
    data.dept_a.save(update_fields=["name"])
    data.s1.name = "-1+2"
    data.s1.save(update_fields=["name"])

    # when
    response = client.get(f"/dashboard/{data.d1.code}/briefing.xlsx?period=2026-03")

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="briefing-{data.d1.code}-2026-03.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["通报", "主要指标", "下级区域排名", "职能部门排名"]
    indicators = {row[1]: row[2] for row in book["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert (indicators["居民数"], indicators["受理事件数"], indicators["综合评分"]) == (6, 4, 25.8)
    ranking = list(book["下级区域排名"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[3]) for row in ranking] == [
        (1, "'-1+2", 25.8),
        ("—", "第1区街道2", "—"),  # no case dispatched: no composite, no rank
    ]
    departments = list(book["职能部门排名"].iter_rows(min_row=2, values_only=True))
    assert departments[0][:3] == (1, '\'=HYPERLINK("http://evil")', 30.8)
    event = AuditEvent.objects.get(action="export", actor=city_officer)
    assert (event.object_id, event.detail) == (
        str(data.d1.pk),
        {"kind": "monthly_briefing", "period": "2026-03"},
    )


def test_briefing_export_is_rate_limited(data, city_officer, client, settings):
    # given
    settings.WANGGE_EXPORT_PER_HOUR = 1
    client.get(f"/dashboard/{data.d1.code}/briefing.xlsx?period=2026-03")

    # when
    response = client.get(f"/dashboard/{data.d1.code}/briefing.xlsx?period=2026-03")

    # then
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="export", actor=city_officer).count() == 1


def test_nav_shows_the_dashboard_to_officers_only(data, client):
    # given
    officer = make_user(Role.DISTRICT_OFFICER, data.d1, username="district-officer")

    # when
    client.force_login(officer)
    officer_nav = [item["label"] for item in client.get("/").context["nav_items"]]
    client.force_login(data.workers[0])
    worker_nav = [item["label"] for item in client.get("/").context["nav_items"]]

    # then
    assert "驾驶舱" in officer_nav
    assert "驾驶舱" not in worker_nav


def test_the_city_map_is_compressed_and_light(db, client):
    """Issue 10: the map's data is sent compressed, positions rounded (~1 m), names unescaped."""
    import gzip
    import json

    from wangge.testing import Role, build_city, make_user

    city = build_city()
    client.force_login(make_user(Role.CITY_OFFICER, city))
    response = client.get(f"/dashboard/{city.code}/map.json", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content).decode()
    data = json.loads(body)
    ring = data["grids"]["features"][0]["geometry"]["coordinates"][0]
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in ring)
    assert "\\u" not in body
