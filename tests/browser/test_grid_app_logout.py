"""The grid worker app on a shared phone: after logout nothing of the worker stays in the
browser, and the next account to sign in sees only its own data; unsent records are never
dropped without a warning, nor sent under another account."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import User
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.patrols.models import Visit
from wangge.patrols.services import grid_assign
from wangge.people.models import CareTag, Household
from wangge.testing import Role, build_city, grids, make_household, make_resident, make_user

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"

# What the page reads back from the browser's storage: the app's IndexedDB database, its
# Cache Storage entries and its service worker.
STORED = """async () => ({
  databases: (await indexedDB.databases()).map((db) => db.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope),
})"""
HOUSEHOLDS_IN_DB = """() => new Promise((resolve) => {
  const request = indexedDB.open("wangge-patrols", 1);
  request.onsuccess = () => {
    const get = request.result.transaction("kv").objectStore("kv").get("households");
    get.onsuccess = () => { request.result.close(); resolve(Object.keys(get.result || {}).length); };
  };
})"""


@dataclass
class Phone:
    a: User
    b: User
    a_grid: Area
    b_grid: Area
    a_home: Household


@pytest.fixture
def phone(base_url) -> Phone:
    # two grid workers in two communities, each with overdue households of their own
    build_city(districts=1, streets=1, communities=2, grids=1)
    a_grid, b_grid = grids()
    alone, _ = CareTag.objects.get_or_create(
        code="elderly_alone", defaults={"name": "独居老人", "cadence": "monthly"}
    )
    street = Area.objects.get(kind=AreaKind.STREET)
    staff = make_user(Role.STREET_STAFF, street, username="jiedao")
    since = clock.today() - timedelta(days=200)
    a = make_user(username="wanga")
    b = make_user(username="wangb")
    grid_assign(actor=staff, worker=a, grid=a_grid, since=since)
    grid_assign(actor=staff, worker=b, grid=b_grid, since=since)
    homes = {}
    for grid, name in ((a_grid, "张大爷"), (a_grid, "李奶奶"), (b_grid, "赵六")):
        home = make_household(grid)
        Household.objects.filter(pk=home.pk).update(created_at=clock.now() - timedelta(days=100))
        resident = make_resident(home, name=name)
        resident.care_tags.set([alone])
        homes.setdefault(name, home)
    return Phone(a, b, a_grid, b_grid, homes["张大爷"])


def open_app(page, login, base_url, username: str, households: int):
    login(page, username, PASSWORD)
    page.goto(f"{base_url}/patrols/app/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    expect(page.locator("#list-overdue li[data-household]")).to_have_count(households)
    page.wait_for_function(f"() => ({HOUSEHOLDS_IN_DB})().then((n) => n === {households})")


def assert_nothing_of_a(page, phone: Phone) -> None:
    text = page.locator("body").inner_text()
    for personal in ("张大爷", "李奶奶", phone.a_grid.name):
        assert personal not in text


def stuck_outbox(page) -> None:
    """The server cannot be reached for visits: a recorded visit stays unsent."""
    page.route("**/api/patrols/visits", lambda route: route.abort("internetdisconnected"))


def record_visit(page, household: Household, notes: str) -> None:
    page.locator(f"#list-overdue li[data-household='{household.pk}'] button").click()
    page.select_option("#visit-form select[name=mode]", "in_person")
    page.select_option("#visit-form select[name=outcome]", "normal")
    page.fill("#visit-form textarea[name=notes]", notes)
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#outbox-count")).to_have_text("1")


def decline_next_dialog(page) -> list[str]:
    """Dismiss the next dialog at once (a dialog left open blocks the page); its message
    lands in the returned list."""
    messages: list[str] = []

    def decline(dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    return messages


def wait_for_dialog(page, messages: list[str]) -> str:
    for _ in range(100):
        if messages:
            return messages[0]
        page.wait_for_timeout(100)
    raise AssertionError("no dialog was shown")


def _without_clear_site_data(route):
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "clear-site-data"}
    route.fulfill(response=response, headers=headers)


@pytest.mark.parametrize("header", ["honoured", "ignored"])
def test_after_logout_the_app_shows_nothing_and_the_next_worker_sees_only_their_own(
    phone_page, login, base_url, phone, browser_log, header
):
    page = phone_page
    if header == "ignored":
        # a browser that does not honour Clear-Site-Data: the page's script alone wipes
        page.context.route("**/logout/", _without_clear_site_data)

    # given worker A used the app: lists cached in IndexedDB, shell in Cache Storage
    open_app(page, login, base_url, "wanga", households=2)
    stored = page.evaluate(STORED)
    assert "wangge-patrols" in stored["databases"]
    assert any(key.startswith("wangge-patrols-") for key in stored["caches"])

    # when A logs out on the site
    page.goto(f"{base_url}/")
    page.click("form[data-logout] button[type=submit]")
    page.wait_for_url(f"{base_url}/login/")

    # then the app's database, caches and service worker are gone
    stored = page.evaluate(STORED)
    assert "wangge-patrols" not in stored["databases"]
    assert not any(key.startswith("wangge-patrols-") for key in stored["caches"])
    assert stored["workers"] == []
    # and reopening the app shows nothing of A
    page.goto(f"{base_url}/patrols/app/")
    assert_nothing_of_a(page, phone)

    # when B signs in on the same phone
    open_app(page, login, base_url, "wangb", households=1)

    # then B sees their own household and nothing of A's
    expect(page.locator("#list-overdue")).to_contain_text("赵六")
    assert_nothing_of_a(page, phone)
    page.click("[data-tab=lookup]")
    page.click("#lookup-form button[type=submit]")
    expect(page.locator("#lookup-results li[data-household]")).to_have_count(1)
    assert_nothing_of_a(page, phone)
    assert browser_log.page_errors == []


def test_when_the_session_ends_without_logout_the_next_account_gets_a_clean_app(
    phone_page, login, base_url, phone, browser_log
):
    page = phone_page
    # given A's lists are cached and a visit A recorded could not be sent yet
    open_app(page, login, base_url, "wanga", households=2)
    stuck_outbox(page)
    record_visit(page, phone.a_home, "老人身体健康")

    # when A's session ends without a logout (expired, ended elsewhere) and the app opens
    page.context.clear_cookies()
    page.reload()

    # then the app shows nothing personal, only that one record waits for its owner
    expect(page.locator("#banner")).to_contain_text("手机上有 1 条记录待同步")
    expect(page.locator("#list-overdue li")).to_have_count(0)
    page.click("[data-tab=outbox]")
    expect(page.locator("#outbox-list")).to_have_text("1 条记录待原账号登录后同步")
    assert_nothing_of_a(page, phone)
    assert page.evaluate(HOUSEHOLDS_IN_DB) == 0

    # when B signs in on the same phone
    page.unroute("**/api/patrols/visits")
    open_app(page, login, base_url, "wangb", households=1)

    # then A's record is gone from the phone, never sent under B's name
    expect(page.locator("#outbox-count")).to_have_text("0")
    assert_nothing_of_a(page, phone)
    assert Visit.objects.count() == 0
    assert browser_log.page_errors == []


def test_logout_warns_about_unsent_records_and_lets_the_worker_sync_first(
    phone_page, login, base_url, phone, browser_log
):
    page = phone_page
    # given a visit that could not be sent yet
    open_app(page, login, base_url, "wanga", households=2)
    stuck_outbox(page)
    record_visit(page, phone.a_home, "老人身体健康")

    # when A logs out on the site and declines the warning
    page.goto(f"{base_url}/")
    warning = decline_next_dialog(page)
    page.click("form[data-logout] button[type=submit]")
    # then A was told how many records would be lost
    assert "还有 1 条记录" in wait_for_dialog(page, warning)
    # and is still signed in
    expect(page.locator("form[data-logout]")).to_be_visible()
    assert page.url == f"{base_url}/"
    assert page.evaluate("fetch('/api/patrols/session').then((r) => r.status)") == 200

    # when A goes back to the app and logs out there, declining again
    page.goto(f"{base_url}/patrols/app/")
    expect(page.locator("#outbox-count")).to_have_text("1")
    warning = decline_next_dialog(page)
    page.click("#logout")
    # then the app tried to send it first, warned, and shows what waits
    assert "还有 1 条记录未同步" in wait_for_dialog(page, warning)
    expect(page.locator("#view-outbox")).to_be_visible()

    # when the connection is back and the record is sent, logout needs no warning
    page.unroute("**/api/patrols/visits")
    page.click("#sync-now")
    expect(page.locator("#outbox-count")).to_have_text("0")
    warnings = len(browser_log.dialogs)
    page.click("#logout")
    page.wait_for_url(f"{base_url}/login/")
    assert len(browser_log.dialogs) == warnings
    assert Visit.objects.filter(worker=phone.a).count() == 1
    assert "wangge-patrols" not in page.evaluate(STORED)["databases"]
    assert browser_log.page_errors == []
