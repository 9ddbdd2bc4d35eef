"""Service positions in the browser, on a phone (390 px) with no internet (every request
to another host is blocked and fails the test): a resident finds the nearest stations on
"services near me" over the app's own basemap; a staff member adds a draft station in a
scenario and sees coverage rise."""

import pytest
from playwright.sync_api import expect

from wangge.facilities import coverage
from wangge.facilities.tests.conftest import LAT, load_street, make_street, node_lng
from wangge.testing.users import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def street_world(base_url):
    street = make_street()
    load_street()
    coverage.recompute()
    return street


def test_resident_sees_the_map_and_nearest_stations_offline(phone_page, base_url, street_world, browser_log):
    page = phone_page
    page.goto(f"{base_url}/facilities/near/")
    expect(page.locator("#facility-map.leaflet-container")).to_be_visible()
    # no Leaflet flag in the attribution, OpenStreetMap named
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    assert "Leaflet" not in page.locator(".leaflet-control-attribution").inner_text()
    # the street network served by the app is drawn as the basemap
    expect(page.locator("#facility-map .leaflet-basemap-pane canvas").first).to_be_attached()
    # tap the map near the street: the nearest centre, by the walking route
    page.locator("#facility-map").click(position={"x": 195, "y": 140})
    item = page.locator(".near-item", has_text="一号党群服务中心")
    expect(item).to_be_visible()
    expect(item).to_contain_text("米")
    # or by an address of the registry
    page.fill("#near-q", "1号楼")
    page.click("#near-form button[type=submit]")
    expect(page.locator("#near-results")).to_contain_text("步行路线")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    browser_log.assert_no_external_requests()


def test_staff_adds_a_draft_station_and_sees_coverage_rise(phone_page, base_url, street_world, login):
    page = login(phone_page, street_world.staff.username, PASSWORD)
    page.goto(f"{base_url}/facilities/scenarios/")
    page.fill("#id_name", "补点方案")
    page.select_option("#id_facility_type", label="党群服务中心")
    page.select_option("#id_area", value=street_world.community.code)
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    expect(page.locator("#coverage-after")).to_have_text("51.7%")
    page.select_option("#id_kind", value="add")
    page.fill("#id_name", "新驿站")
    page.fill("#id_lat", str(LAT))
    page.fill("#id_lng", str(node_lng(22)))
    with page.expect_navigation():
        page.click("#change-form button[type=submit]")
    expect(page.locator("#coverage-before")).to_have_text("51.7%")
    expect(page.locator("#coverage-after")).to_have_text("86.2%")
    expect(page.locator("#changes")).to_contain_text("新驿站")
