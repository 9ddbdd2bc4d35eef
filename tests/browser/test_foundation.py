"""Foundation pages in a real browser: login and lockout, scoped registry, reveal, phone layout."""

import re

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import LoginThrottle
from wangge.audit.models import AuditEvent, Outcome
from wangge.core import clock
from wangge.core.masking import mask_id_number
from wangge.people.models import Resident
from wangge.testing import (
    valid_id_number,
)
from wangge.testing.worlds import NeighbourGridsWorld as World
from wangge.testing.worlds import build_neighbour_grids_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"
ID_NUMBER = valid_id_number(region="150203", birth="19850315", seq=123)
OTHER_ID_NUMBER = valid_id_number(region="150204", birth="19700101", seq=456)
LOCKED_TEXT = "登录失败次数过多，账号已锁定，请 30 分钟后再试或联系安全管理员解锁"


@pytest.fixture
def world(base_url) -> World:
    return build_neighbour_grids_world(ID_NUMBER, OTHER_ID_NUMBER)


def reveal_events(resident: Resident):
    return AuditEvent.objects.filter(action="reveal", object_id=str(resident.pk))


def test_right_password_opens_the_workbench_with_local_assets_only(
    page, login, base_url, world, browser_log
):
    # when
    login(page, "wangfang", PASSWORD)

    # then
    assert page.url == f"{base_url}/"
    expect(page.locator("h1.page-title")).to_have_text("工作台")
    expect(page.locator(".topbar .who")).to_have_text("wangfang")
    expect(page.locator(".sidebar a.active")).to_have_text("工作台")
    assert page.evaluate("typeof window.htmx") == "object"
    browser_log.assert_loaded("/static/vendor/htmx.min.js")
    browser_log.assert_loaded("/static/web/app.css")
    browser_log.assert_no_console_errors()
    browser_log.assert_no_external_requests()
    assert (
        AuditEvent.objects.filter(
            action="login", actor=world.worker, outcome=Outcome.SUCCESS
        ).count()
        == 1
    )


def test_wrong_password_is_refused_with_the_same_text_as_an_unknown_user(
    page, login, base_url, world
):
    # when
    login(page, "wangfang", "wrong-password-1")

    # then
    assert page.url == f"{base_url}/login/"
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确")
    page.goto(f"{base_url}/residents/")
    assert page.url == f"{base_url}/login/?next=/residents/"
    assert LoginThrottle.objects.get(username="wangfang").failures == 1

    # when an unknown username is tried
    login(page, "nobody", "wrong-password-1")

    # then the answer is the same
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确")


def test_five_failures_lock_the_account_even_for_the_right_password(page, login, base_url, world):
    # given
    for _ in range(4):
        login(page, "wangfang", "wrong-password-1")
        expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确")

    # when
    login(page, "wangfang", "wrong-password-1")

    # then
    expect(page.get_by_role("alert")).to_have_text(LOCKED_TEXT)

    # when the right password follows
    login(page, "wangfang", PASSWORD)

    # then it is refused too and nobody is signed in
    assert page.url == f"{base_url}/login/"
    expect(page.get_by_role("alert")).to_have_text(LOCKED_TEXT)
    assert not AuditEvent.objects.filter(action="login", actor=world.worker).exists()
    assert LoginThrottle.objects.get(username="wangfang").locked_until > clock.now()


def test_grid_worker_sees_own_grid_and_reveals_an_id_number_with_an_audit_row(
    page, login, base_url, world, browser_log
):
    # given
    login(page, "wangfang", PASSWORD)

    # when
    with page.expect_navigation():
        page.click(".sidebar >> text=居民")

    # then only the resident of their own grid is listed, masked
    assert page.url == f"{base_url}/residents/"
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").nth(0)).to_have_text("张三")
    expect(rows.locator("td").nth(2)).to_have_text(mask_id_number(ID_NUMBER))
    assert mask_id_number(ID_NUMBER) == f"150***********{ID_NUMBER[-4:]}"
    assert ID_NUMBER not in page.content()
    assert "李四" not in page.content()

    # when the resident is opened and the reveal is cancelled at the confirm dialog
    rows.get_by_role("link", name="张三").click()
    expect(page.locator("h1.page-title")).to_have_text("张三")
    id_cell = page.locator("#reveal-id_number")
    expect(id_cell).to_have_text(mask_id_number(ID_NUMBER))
    button = page.locator("dd", has=id_cell).get_by_role("button", name="查看完整")
    page.once("dialog", lambda dialog: dialog.dismiss())
    button.click()

    # then nothing is revealed and nothing is written
    expect(id_cell).to_have_text(mask_id_number(ID_NUMBER))
    assert reveal_events(world.resident).count() == 0

    # when the reveal is confirmed
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()

    # then the full number is shown and one audit row records it
    expect(page.locator(".revealed")).to_have_text(ID_NUMBER)
    assert browser_log.dialogs == ["查看完整证件号码将被记录到审计日志，确定查看？"] * 2
    event = reveal_events(world.resident).get()
    assert (event.actor_id, event.outcome, event.object_type, event.detail) == (
        world.worker.pk,
        Outcome.SUCCESS,
        "people.resident",
        {"field": "id_number"},
    )
    assert ID_NUMBER not in str(event.detail)
    browser_log.assert_no_console_errors()


def test_a_worker_of_another_grid_gets_404_and_cannot_reveal(page, login, base_url, world):
    # given
    login(page, "liqiang", PASSWORD)
    url = f"{base_url}/residents/{world.resident.pk}/"

    # when
    response = page.goto(url)

    # then it answers exactly like a resident that does not exist
    assert response.status == 404
    expect(page.locator("h1.page-title")).to_have_text("页面不存在或您无权访问")
    assert "张三" not in page.content()
    assert mask_id_number(ID_NUMBER) not in page.content()
    missing = page.goto(f"{base_url}/residents/{world.other_resident.pk + 1000}/")
    assert missing.status == 404
    expect(page.locator("main")).to_have_text(re.compile("页面不存在或您无权访问"))

    # when the reveal endpoint is posted to directly
    page.goto(f"{base_url}/")
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answer = page.request.post(
        f"{url}reveal/id_number/", headers={"X-CSRFToken": token, "Referer": f"{base_url}/"}
    )

    # then it is refused like a missing resident and nothing is revealed
    assert answer.status == 404
    assert ID_NUMBER not in answer.text()
    assert reveal_events(world.resident).count() == 0
    denied = AuditEvent.objects.filter(
        action="access_denied", actor=world.other_worker, outcome=Outcome.DENIED
    ).order_by("id")
    assert list(denied.values_list("object_id", flat=True)) == [
        f"/residents/{world.resident.pk}/",
        f"/residents/{world.other_resident.pk + 1000}/",
        f"/residents/{world.resident.pk}/reveal/id_number/",
    ]


def test_phone_layout_has_a_menu_button_and_a_usable_table(phone_page, login, base_url, world):
    # given
    page = phone_page
    login(page, "wangfang", PASSWORD)
    menu_link = page.locator(".sidebar a", has_text="居民")

    # then the sidebar is hidden behind the menu button
    expect(page.locator(".nav-button")).to_be_visible()
    expect(menu_link).not_to_be_in_viewport()

    # when the menu is opened and 居民 chosen
    page.locator(".nav-button").tap()
    expect(menu_link).to_be_in_viewport()
    with page.expect_navigation():
        menu_link.tap()

    # then the table fits the page (it scrolls inside its own box) and a row opens by touch
    assert page.url == f"{base_url}/residents/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(menu_link).not_to_be_in_viewport()
    name_link = page.locator("#rows tbody tr").first.get_by_role("link", name="张三")
    expect(name_link).to_be_in_viewport()
    with page.expect_navigation():
        name_link.tap()
    expect(page.locator("h1.page-title")).to_have_text("张三")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_desktop_layout_shows_the_sidebar_without_a_menu_button(page, login, world):
    # when
    login(page, "wangfang", PASSWORD)

    # then
    expect(page.locator(".nav-button")).to_be_hidden()
    expect(page.locator(".sidebar a", has_text="居民")).to_be_in_viewport()


def test_harness_blocks_and_records_a_request_to_another_host(page, base_url, browser_log):
    # given a page without the app's Content-Security-Policy (which would stop the fetch
    # in the browser before the harness sees it)
    page.goto("about:blank")

    # when the page tries to reach another host
    outcome = page.evaluate(
        "fetch('http://192.0.2.1/tile.png').then(() => 'reached', () => 'blocked')"
    )

    # then the request never left and the log names it
    assert outcome == "blocked"
    assert browser_log.external_requests() == ["http://192.0.2.1/tile.png"]
    with pytest.raises(AssertionError, match="requests left 127.0.0.1/localhost"):
        browser_log.assert_no_external_requests()
    # the teardown check would fail this test too; it has been proven above
    browser_log.requests.clear()
