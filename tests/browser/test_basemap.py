"""The self-hosted basemap on the resident's report page, on a phone (390 px) with no
internet (every request to another host is blocked and fails the test): with no network
loaded the page works as before (search, the handling unit, no street lines, no error);
once the walking network is loaded its streets are drawn under the point, named
OpenStreetMap, with no Leaflet flag, and the page still works the same way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_cases import ensure_seed_category
from tests.browser.test_resident_report import handler_text, pick_place
from wangge.areas.models import Building, Estate
from wangge.cases.tests.factories import build_world, grid_point
from wangge.facilities.network import network_dir, synthetic_grid
from wangge.facilities.services import network_register
from wangge.testing import build_city

pytestmark = pytest.mark.browser


@pytest.fixture
def world(base_url):
    ensure_seed_category()
    world = build_world(build_city())
    lat, lng = grid_point(world.grid)
    estate = Estate.objects.create(grid=world.grid, name="怡和嘉园")
    Building.objects.create(grid=world.grid, estate=estate, name="1号楼", address="怡和嘉园1号楼", lat=lat, lng=lng)
    world.point = (lat, lng)
    return world


def load_network_around(lat: float, lng: float):
    graph = synthetic_grid(lat - 0.006, lng - 0.008, 14, 14, 100.0, seed=3)
    directory = network_dir()
    directory.mkdir(parents=True, exist_ok=True)
    graph.save(directory / "report-test.npz")
    return network_register(name="测试路网", path="report-test.npz", graph=graph)


def find_the_spot(page, world):
    page.select_option("#id_category", label="路灯不亮或损坏")
    pick_place(page)
    expect(page.locator("#handling-unit")).to_have_text(handler_text(world))
    expect(page.locator("#picked-point")).to_contain_text("已选位置")


def test_report_page_works_without_a_basemap_and_draws_one_once_loaded(phone_page, base_url, world, browser_log):
    page = phone_page

    # no network: the map has no basemap and the page works as today
    page.goto(f"{base_url}/cases/report/")
    box = page.locator("#report-map")
    expect(box).to_have_attribute("data-basemap", "")
    expect(box).to_have_class(re.compile(r"\bleaflet-container\b.*\bno-tiles\b"))
    find_the_spot(page, world)
    assert box.get_attribute("data-basemap-lines") is None
    assert page.locator("#report-map .leaflet-basemap-pane").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # the walking network loaded: the same page draws its streets under the point
    load_network_around(*world.point)
    page.goto(f"{base_url}/cases/report/")
    expect(box).to_have_attribute("data-basemap", "/facilities/basemap.json")
    find_the_spot(page, world)
    expect(box).to_have_attribute("data-basemap-lines", re.compile(r"^[1-9][0-9]*$"))  # the streets in view
    expect(page.locator("#report-map .leaflet-basemap-pane canvas")).to_be_attached()
    attribution = page.locator("#report-map .leaflet-control-attribution")
    expect(attribution).to_contain_text("OpenStreetMap")
    assert "Leaflet" not in attribution.inner_text()
    # the point is still picked by a tap on the map, over the streets
    box.click(position={"x": 120, "y": 120})
    expect(page.locator("#picked-point")).to_contain_text("已选位置")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser_log.assert_no_external_requests()
    browser_log.assert_no_console_errors()
