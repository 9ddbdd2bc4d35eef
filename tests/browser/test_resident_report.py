"""The resident's report page on a phone (390 px): find the spot by typing an address, see
who will handle it, follow a nearby report instead of reporting it again, and find both
the follow and the own report in 我的上报. And staff intake (上报事件) on the desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_cases import PASSWORD, ensure_seed_category
from wangge.areas.models import Area, Building, Estate
from wangge.cases.models import Case, CaseFollower, Source
from wangge.cases.tests.factories import CaseFactory, build_world, grid_point
from wangge.testing import build_city

pytestmark = pytest.mark.browser


@pytest.fixture
def world(base_url):
    ensure_seed_category()
    world = build_world(build_city())
    lat, lng = grid_point(world.grid)
    estate = Estate.objects.create(grid=world.grid, name="怡和嘉园")
    Building.objects.create(
        grid=world.grid, estate=estate, name="1号楼", address="怡和嘉园1号楼", lat=lat, lng=lng
    )
    return world


def handler_text(world) -> str:
    street = Area.objects.get(path=world.grid.path[:12])
    community = Area.objects.get(path=world.grid.path[:16])
    return f"将由 {street.name} {community.name} 处理"


def pick_place(page, text: str = "怡和嘉园1号楼") -> None:
    page.fill("#place-q", text)
    option = page.locator("#place-results .place-option", has_text=text)
    expect(option).to_be_visible()
    option.click()


def test_resident_finds_the_spot_follows_a_nearby_report_and_sees_it_in_my_reports(
    phone_page, base_url, world, browser_log
):
    # given an open report of the same category at the same building
    existing = CaseFactory.reported(world, description="怡和嘉园门口路灯不亮")
    page = phone_page

    # when a resident picks the category and types the address
    page.goto(f"{base_url}/cases/report/")
    page.select_option("#id_category", label="路灯不亮或损坏")
    pick_place(page)

    # then the page says which community will handle it, and fills the address
    expect(page.locator("#handling-unit")).to_have_text(handler_text(world))
    expect(page.locator("#located-grid")).to_have_text(f"所属网格：{world.grid.name}")
    expect(page.locator("#id_address")).to_have_value("怡和嘉园1号楼")

    # and the nearby open report is offered; following it adds the resident, not a case
    item = page.locator(f".nearby-item[data-number='{existing.number}']")
    expect(item).to_be_visible()
    expect(item).not_to_contain_text("怡和嘉园门口")  # the reporter's words stay private
    item.get_by_role("button", name="这也是我的问题").click()
    expect(item.locator(".followed")).to_contain_text("已关注，共 1 人反映此问题")
    assert CaseFollower.objects.filter(case=existing).count() == 1
    assert Case.objects.count() == 1

    # when the resident also reports something else from this phone
    page.fill("#id_description", "1号楼北侧还有一盏灯也不亮")
    page.check("#id_anonymous")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    mine = Case.objects.exclude(pk=existing.pk).get()
    expect(page.locator("#case-number")).to_have_text(mine.number)
    assert mine.grid == world.grid
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # then 我的上报 lists both with their live status, no code copied
    page.click("text=「我的上报」")
    page.wait_for_url("**/cases/mine/")
    rows = page.locator(".mine-item")
    expect(rows).to_have_count(2)
    expect(page.locator(f".mine-item[data-number='{mine.number}'] .mine-status")).to_have_text(
        "已上报"
    )
    followed = page.locator(f".mine-item[data-number='{existing.number}']")
    expect(followed).to_contain_text("我关注的")
    followed.locator("a").click()
    page.wait_for_url("**/cases/followed/**")
    expect(page.locator("#followed-note")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser_log.assert_no_console_errors()


def test_staff_enter_a_hotline_call_on_the_intake_form(page, login, base_url, world, browser_log):
    # given community staff on the work list
    login(page, "cs", PASSWORD)
    page.goto(f"{base_url}/cases/")

    # when they open 上报事件 and enter a call
    page.click("#intake-link")
    page.wait_for_url("**/cases/intake/")
    page.check("input[name=channel][value=hotline]")
    page.fill("#id_reporter_name", "赵六")
    page.fill("#id_reporter_phone", "13912345678")
    page.select_option("#id_category", label="路灯不亮或损坏")
    page.fill("#id_description", "来电：怡和嘉园1号楼门口路灯不亮")
    pick_place(page)
    expect(page.locator("#handling-unit")).to_have_text(handler_text(world))
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")

    # then the case page of the new case shows, from the hotline
    case = Case.objects.get()
    assert page.url == f"{base_url}/cases/{case.pk}/"
    assert case.source == Source.HOTLINE and case.grid == world.grid
    expect(page.locator("#follower-count")).to_have_text("0")
    browser_log.assert_no_console_errors()
