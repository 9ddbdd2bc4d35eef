"""The rest-station keeper's phone page (390 px): a rider known to the station drops in,
the keeper taps who came and what the station gave — two taps — and the visit is logged
as the station's service log, nothing personal shown but a masked name."""

import pytest
from playwright.sync_api import expect

from wangge.employment.models import StationVisit
from wangge.employment.tests.conftest import build_employment_world
from wangge.testing.areas import build_city
from wangge.testing.users import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def employment_world(base_url):
    return build_employment_world(build_city())


def test_keeper_logs_a_riders_visit_in_two_taps(phone_page, base_url, employment_world, login, browser_log):
    world = employment_world
    page = login(phone_page, world.keeper.username, PASSWORD)
    page.goto(f"{base_url}/employment/stations/")
    # One station in the keeper's community: its page opens directly.
    expect(page.locator("h1")).to_have_text(world.station.name)
    assert "张伟" not in page.content() and "13912345678" not in page.content()
    page.click("a.tap:has-text('张*')")  # tap 1: who came
    expect(page.locator(".step")).to_contain_text("第二步")
    with page.expect_navigation():
        page.click("button.tap:has-text('充电')")  # tap 2: what the station gave
    expect(page.locator(".messages .msg").first).to_contain_text("充电")
    visit = StationVisit.objects.select_related("log__service").get()
    assert (visit.worker_id, visit.log.service.code, visit.log.people) == (world.worker_a.pk, "charging", 1)
    expect(page.locator(".page-head")).to_contain_text("今日来访 1 人次")
    # A rider the station does not know: a kind of worker, still two taps.
    page.click("a.tap:has-text('外卖骑手')")
    with page.expect_navigation():
        page.click("button.tap:has-text('饮水')")
    assert StationVisit.objects.filter(worker__isnull=True, worker_type="rider").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    browser_log.assert_no_external_requests()
