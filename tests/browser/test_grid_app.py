"""The grid worker app on a phone: records made offline reach the server exactly once when
the connection returns; a record the server refuses is shown with its reason and kept."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import User
from wangge.areas.models import Area, AreaKind
from wangge.cases.models import Attachment, Case, Category
from wangge.core import clock
from wangge.patrols.models import Patrol, Visit
from wangge.patrols.services import grid_assign
from wangge.people.models import CareTag, Household
from wangge.people.services import household_move
from wangge.testing import Role, build_city, grids, make_household, make_resident, make_user
from wangge.testing.cases import image_bytes

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"
PNG = image_bytes("PNG")


@dataclass
class AppWorld:
    worker: User
    staff: User
    first: Household
    second: Household
    other_grid_id: int
    category: Category


@pytest.fixture
def app_world(base_url) -> AppWorld:
    build_city(districts=1, streets=1, communities=1, grids=2)
    grid, other_grid = grids()
    community = Area.objects.get(kind=AreaKind.COMMUNITY)
    staff = make_user(Role.COMMUNITY_STAFF, community, username="shequ")
    worker = make_user(username="wangfang")
    grid_assign(actor=staff, worker=worker, grid=grid, since=clock.today() - timedelta(days=200))
    # Rows the migrations seed may be gone after an earlier transactional test's flush.
    alone, _ = CareTag.objects.get_or_create(
        code="elderly_alone", defaults={"name": "独居老人", "cadence": "monthly"}
    )
    category = Category.objects.filter(active=True, numchild=0).order_by("path").first()
    if category is None:
        category = Category.objects.add_root(instance=Category(code="B01", name="市容环境"))
    homes = []
    for name, room in (("张大爷", "101"), ("李奶奶", "202")):
        home = make_household(grid)
        home.room = room
        home.save(update_fields=["room"])
        # registered long ago and never visited: a monthly household is overdue
        Household.objects.filter(pk=home.pk).update(created_at=clock.now() - timedelta(days=100))
        resident = make_resident(home, name=name)
        resident.care_tags.set([alone])
        homes.append(home)
    return AppWorld(worker, staff, homes[0], homes[1], other_grid.pk, category)


def open_app(page, login, base_url):
    login(page, "wangfang", PASSWORD)
    page.goto(f"{base_url}/patrols/app/")
    # the service worker controls the page: the shell is cached for offline use
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    expect(page.locator("#list-overdue li[data-household]")).to_have_count(2)


def record_visit_offline(page, household: Household, notes: str) -> None:
    page.locator(f"#list-overdue li[data-household='{household.pk}'] button").click()
    expect(page.locator("#view-visit")).to_be_visible()
    page.select_option("#visit-form select[name=mode]", "in_person")
    page.select_option("#visit-form select[name=outcome]", "normal")
    page.fill("#visit-form textarea[name=notes]", notes)
    page.click("#visit-form button[type=submit]")


def test_visit_and_case_recorded_offline_reach_the_server_once(
    phone_page, login, base_url, app_world, browser_log
):
    page = phone_page
    open_app(page, login, base_url)

    # given the phone loses its connection
    page.context.set_offline(True)
    expect(page.locator("#net")).to_have_text("离线")

    # when the worker records a visit and reports a case with a photo
    record_visit_offline(page, app_world.first, "老人身体健康，家中整洁")
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(
        page.locator(f"#list-overdue li[data-household='{app_world.first.pk}'] .badge")
    ).to_have_text("已记录·待同步")
    page.click("[data-tab=report]")
    page.select_option("#report-form select[name=category_id]", str(app_world.category.pk))
    page.fill("#report-form textarea[name=description]", "3号楼路灯损坏")
    page.fill("#report-form input[name=address]", "3号楼东侧")
    page.set_input_files(
        "#report-form input[name=photo]",
        files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.click("#report-form button[type=submit]")
    expect(page.locator("#outbox-count")).to_have_text("2")

    # and reloads the app while still offline
    page.reload()
    expect(page.locator("#outbox-count")).to_have_text("2")
    expect(page.locator("#list-overdue li[data-household]")).to_have_count(2)
    expect(page.locator("#outbox-list li[data-key]")).to_have_count(2)
    assert Visit.objects.count() == 0
    assert Case.objects.count() == 0

    # then, back online, both are sent
    page.context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text("0")
    expect(page.locator("#net")).to_have_text("在线")
    # and a manual resync sends nothing twice
    page.click("[data-tab=outbox]")
    page.click("#sync-now")
    expect(page.locator("#outbox-list li.empty")).to_have_text("全部已同步")

    visit = Visit.objects.get()
    assert (visit.household_id, visit.worker_id, visit.mode, visit.outcome, visit.notes) == (
        app_world.first.pk,
        app_world.worker.pk,
        "in_person",
        "normal",
        "老人身体健康，家中整洁",
    )
    case = Case.objects.get()
    assert (case.description, case.address, case.source, case.reporter_id) == (
        "3号楼路灯损坏",
        "3号楼东侧",
        "grid_worker",
        app_world.worker.pk,
    )
    assert Attachment.objects.filter(case=case).count() == 1
    # the visited household left the overdue list once the server answered
    expect(page.locator("#list-overdue li[data-household]")).to_have_count(1)
    assert browser_log.page_errors == []


def test_a_refused_record_is_shown_with_its_reason_and_kept(
    phone_page, login, base_url, app_world, browser_log
):
    page = phone_page
    open_app(page, login, base_url)

    # given a visit recorded offline
    page.context.set_offline(True)
    record_visit_offline(page, app_world.first, "上门未发现异常")
    expect(page.locator("#outbox-count")).to_have_text("1")

    # and meanwhile the community moved the household to another grid
    household_move(
        actor=app_world.staff,
        household=app_world.first,
        grid=Area.objects.get(pk=app_world.other_grid_id),
    )

    # when the phone is back online
    page.context.set_offline(False)
    page.click("[data-tab=outbox]")

    # then the worker sees why the server refused it, and it is kept
    refused = page.locator("#outbox-list li.refused")
    expect(refused.locator(".reason")).to_have_text(
        "原因：未找到该户，或该户已不在您负责的网格内（走访户）"
    )
    expect(refused.locator(".badge")).to_have_text("服务器未接收")
    assert Visit.objects.count() == 0
    page.reload()
    page.click("[data-tab=outbox]")
    expect(page.locator("#outbox-list li.refused .reason")).to_contain_text("未找到该户")
    expect(page.locator("#outbox-count")).to_have_text("1")

    # and only the worker's own decision removes it
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list li.refused").get_by_role("button", name="删除").click()
    expect(page.locator("#outbox-count")).to_have_text("0")
    assert Visit.objects.count() == 0
    assert browser_log.page_errors == []


def test_patrol_started_and_ended_offline_is_recorded_once(
    phone_page, login, base_url, app_world, browser_log
):
    page = phone_page
    open_app(page, login, base_url)

    # when the worker starts and ends a patrol without a connection
    page.context.set_offline(True)
    page.click("#patrol-start")
    expect(page.locator("#patrol-card h2")).to_have_text("巡查中")
    page.fill("#patrol-notes", "辖区巡查正常")
    page.click("#patrol-end")
    expect(page.locator("#outbox-count")).to_have_text("2")
    page.context.set_offline(False)

    # then the server has one ended patrol with its notes
    expect(page.locator("#outbox-count")).to_have_text("0")
    expect(page.locator("#patrol-card")).to_contain_text("今日已巡查")
    patrol = Patrol.objects.get()
    assert (patrol.worker_id, patrol.notes, patrol.ended_at is not None) == (
        app_world.worker.pk,
        "辖区巡查正常",
        True,
    )
    assert browser_log.page_errors == []
