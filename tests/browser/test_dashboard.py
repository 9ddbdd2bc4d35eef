"""Dashboards in a real browser: charts at every level, drill-down by row and by bar, the
grid map without a tile server, the self-refreshing command-centre screen, the print view —
and not one request leaving 127.0.0.1."""

import re

import pytest
from playwright.sync_api import expect

from wangge.areas.models import Area
from wangge.testing.indicator_city import make_case
from wangge.testing.worlds import DashboardWorld as World
from wangge.testing.worlds import build_dashboard_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"
MARCH = "period=2026-03"


@pytest.fixture
def world(base_url, settings) -> World:
    settings.WANGGE_MAP_TILE_URL = ""
    return build_dashboard_world()


def expect_chart(page, selector: str) -> None:
    chart = page.locator(selector)
    expect(chart).to_have_attribute("data-rendered", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200


def expect_dashboard_of(page, area: Area) -> None:
    expect(page.locator("h1.page-title")).to_contain_text(f"{area.name} · 驾驶舱")
    expect(page.locator(".crumbs .current")).to_have_text(area.name)


def test_every_level_renders_its_charts_and_rows_drill_down(
    page, login, base_url, world, browser_log
):
    # given
    data = world.data
    login(page, "city", PASSWORD)

    # when: the city dashboard, then one row click per level down to a grid
    page.goto(f"{base_url}/dashboard/?{MARCH}")
    expect_dashboard_of(page, data.city)
    expect_chart(page, "#chart-ranking")
    expect_chart(page, "#chart-trend")
    expect(page.locator("#ranking tbody tr")).to_have_count(2)

    for area in (data.d1, data.s1, data.c1):
        with page.expect_navigation():
            page.locator("#ranking tbody tr", has_text=area.name).locator("td").first.click()
        expect_dashboard_of(page, area)
        expect_chart(page, "#chart-ranking")
        expect_chart(page, "#chart-trend")

    with page.expect_navigation():
        page.locator("#ranking tbody tr", has_text=data.g[0].name).locator("td").first.click()

    # then: the grid has no children to rank but its trend and figures
    expect_dashboard_of(page, data.g[0])
    expect(page.locator("#chart-ranking")).to_have_count(0)
    expect_chart(page, "#chart-trend")
    expect(page.locator('.headline [data-indicator="residents"] .stat-value')).to_contain_text("3")
    assert page.url == f"{base_url}/dashboard/{data.g[0].code}/?{MARCH}&rank_by=composite_score"
    expect(page.locator(".crumbs a")).to_have_count(4)
    browser_log.assert_loaded("/static/vendor/echarts.min.js")
    browser_log.assert_loaded("/static/indicators/dashboard.js")
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()


def test_clicking_a_bar_goes_down_a_level(page, login, base_url, world, browser_log):
    # given
    data = world.data
    login(page, "city", PASSWORD)
    page.goto(f"{base_url}/dashboard/{data.city.code}/?{MARCH}&rank_by=residents")
    expect_chart(page, "#chart-ranking")

    # when: click the middle of the first bar (district 1, six residents)
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-ranking'));
            return chart.convertToPixel({seriesIndex: 0}, [0, 3]);
        }"""
    )
    box = page.locator("#chart-ranking").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)

    # then
    expect_dashboard_of(page, data.d1)
    assert page.url == f"{base_url}/dashboard/{data.d1.code}/?{MARCH}&rank_by=residents"
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()


def test_trend_picker_redraws_the_chart(page, login, base_url, world, browser_log):
    # given
    login(page, "city", PASSWORD)
    page.goto(f"{base_url}/dashboard/{world.data.city.code}/?{MARCH}")
    expect(page.locator("#chart-trend")).to_have_attribute("data-indicator", "cases_received")

    # when
    page.select_option("#trend-indicator", "composite_score")

    # then
    expect(page.locator("#chart-trend")).to_have_attribute("data-indicator", "composite_score")
    series = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('chart-trend'))
                     .getOption().series[0].data.slice(-2)"""
    )
    # February 46.2 less 20 (late); March 64.6 less 19 (late, returned, failed checks)
    assert series == [26.2, 45.6]
    browser_log.assert_no_console_errors()


def test_map_shows_grid_polygons_and_case_points_without_tiles(
    page, login, base_url, world, browser_log
):
    # given
    data = world.data
    login(page, "city", PASSWORD)

    # when
    page.goto(f"{base_url}/dashboard/{data.city.code}/map/?{MARCH}&indicator=residents")

    # then: all 16 grids drawn, March's cases and the still-open one clustered on them
    mapping = page.locator("#grid-map")
    expect(mapping).to_have_attribute("data-grids", "16")
    expect(mapping).to_have_attribute("data-cases", "6")
    expect(page.locator("#grid-map path.grid-polygon")).to_have_count(16)
    expect(page.locator("#grid-map .leaflet-tile")).to_have_count(0)
    expect(page.locator("#grid-map .marker-cluster, #grid-map .case-dot").first).to_be_visible()
    expect(page.locator(".map-legend")).to_contain_text("居民数")
    expect(page.locator("#map-note")).to_contain_text("未配置底图瓦片")
    grid = page.locator(f'#grid-map path[data-grid="{data.g[0].code}"]')
    fill = grid.get_attribute("fill")
    assert fill == "#a50f15"  # the most residents, the darkest class
    browser_log.assert_loaded("/static/vendor/leaflet/leaflet.js")
    browser_log.assert_loaded("/static/vendor/leaflet/leaflet.markercluster.js")
    browser_log.assert_loaded("/map.json")
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()


def test_command_centre_refreshes_itself(page, login, base_url, world, browser_log):
    # given
    data = world.data
    login(page, "street", PASSWORD)
    page.goto(f"{base_url}/dashboard/{data.s1.code}/screen/?{MARCH}&refresh=2")
    received = page.locator('#screen-cards [data-indicator="cases_received"] .value')
    expect(received).to_contain_text("4")
    expect(page.locator("#screen-ranking canvas")).to_have_count(1)
    expect(page.locator("#screen-trend canvas")).to_have_count(1)
    expect(page.locator("#screen-children tbody tr")).to_have_count(2)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    # when: a case arrives in the street while the screen is up
    make_case(
        data.g[1],
        source="resident",
        created=data.cases["c4"].created_at,
        status="reported",
        category=data.cases["c1"].category,
    )

    # then
    expect(page.locator("body")).to_have_attribute(
        "data-refresh-count", re.compile(r"[1-9]"), timeout=8000
    )
    expect(received).to_contain_text("5")
    assert background in ("rgba(0, 0, 0, 0)", "rgb(6, 16, 31)")
    expect(page.locator(".sidebar")).to_have_count(0)
    browser_log.assert_loaded(f"/dashboard/{data.s1.code}/data.json")
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()


def test_briefing_prints_without_the_navigation(page, login, base_url, world, browser_log):
    # given
    data = world.data
    login(page, "city", PASSWORD)
    page.goto(f"{base_url}/dashboard/{data.d1.code}/briefing/?{MARCH}")
    expect(page.locator(".briefing h1")).to_have_text("第1区2026年3月网格化基层治理工作通报")
    expect(page.locator(".sidebar")).to_be_visible()

    # when
    page.emulate_media(media="print")

    # then
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#briefing-print")).to_be_hidden()
    expect(page.locator(".briefing table").first).to_be_visible()
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()


def test_another_streets_dashboard_is_not_found(page, login, base_url, world, browser_log):
    # given
    login(page, "street", PASSWORD)

    # when
    response = page.goto(f"{base_url}/dashboard/{world.data.s2.code}/?{MARCH}")

    # then
    assert response.status == 404
    page.goto(f"{base_url}/dashboard/")
    expect_dashboard_of(page, world.data.s1)
    browser_log.assert_no_external_requests()
