"""Notices, track replay and the phone app's confirmations, on a 390 px phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.notifications.models import Notice
from wangge.patrols.models import Patrol
from wangge.patrols.services import grid_assign
from wangge.people.models import CareTag, Household
from wangge.testing import Role, build_city, grids, make_household, make_resident, make_user

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"


@pytest.fixture
def small_world(base_url):
    build_city(districts=1, streets=1, communities=1, grids=2)
    grid, _ = grids()
    community = Area.objects.get(kind=AreaKind.COMMUNITY)
    staff = make_user(Role.COMMUNITY_STAFF, community, username="shequ")
    worker = make_user(username="wangfang")
    grid_assign(actor=staff, worker=worker, grid=grid, since=clock.today() - timedelta(days=200))
    return {"grid": grid, "staff": staff, "worker": worker}


def test_bell_counts_unread_notices_and_marks_them_read(phone_page, login, base_url, small_world):
    page = phone_page
    staff = small_world["staff"]
    for index, read in enumerate([False, False, True]):
        Notice.objects.create(
            key=f"n{index}",
            recipient=staff,
            kind="dispatch",
            title=f"案件 00{index} 已派遣",
            link="/cases/",
            created_at=clock.now() - timedelta(minutes=index),
            read_at=clock.now() if read else None,
        )
    login(page, "shequ", PASSWORD)
    expect(page.locator("[data-bell-count]")).to_have_text("2")
    page.click("[data-bell]")
    page.wait_for_url("**/notifications/")
    expect(page.locator("[data-notice]")).to_have_count(3)
    expect(page.locator(".notice-unread")).to_have_count(2)
    page.locator(".notice-unread [data-mark-read]").first.click()
    page.wait_for_url("**/notifications/")
    expect(page.locator("[data-bell-count]")).to_have_text("1")
    page.screenshot(path="test-results/notices-list-390.png", full_page=True)


def test_track_replay_draws_and_plays(phone_page, login, base_url, small_world, browser_log):
    page = phone_page
    start = clock.now().replace(hour=1, minute=0)
    Patrol.objects.create(
        worker=small_world["worker"],
        grid=small_world["grid"],
        area_path=small_world["grid"].path,
        client_ref="p1",
        date=clock.today(),
        started_at=start,
        ended_at=start + timedelta(hours=1),
        points=[
            {
                "lat": 40.503 + i * 0.001,
                "lng": 109.803 + i * 0.0007,
                "at": (start + timedelta(minutes=5 * i)).isoformat(),
            }
            for i in range(6)
        ],
    )
    login(page, "shequ", PASSWORD)
    page.goto(
        f"{base_url}/patrols/tracks/?worker={small_world['worker'].pk}&date={clock.today().isoformat()}"
    )
    page.wait_for_function("() => document.querySelector('#track-map').dataset.trackPoints === '6'")
    assert page.locator("#track-map .leaflet-overlay-pane path").count() >= 3  # grid, line, walked
    page.click("#track-play")
    page.wait_for_function("() => document.querySelector('#track-map').dataset.trackIndex === '5'")
    expect(page.locator("#track-play")).to_have_text("▶ 播放")
    page.screenshot(path="test-results/track-replay-390.png", full_page=True)
    browser_log.assert_loaded("/static/patrols/track.js")
    browser_log.assert_no_console_errors()


def test_phone_app_confirms_saves_and_marks_overdue_households(
    phone_page, login, base_url, small_world
):
    page = phone_page
    alone, _ = CareTag.objects.get_or_create(
        code="elderly_alone", defaults={"name": "独居老人", "cadence": "monthly"}
    )
    homes = {}
    # monthly: due 30 days after registration, 5 days of grace
    for name, days_ago in (("张大爷", 38), ("李奶奶", 32)):
        home = make_household(small_world["grid"])
        Household.objects.filter(pk=home.pk).update(
            created_at=clock.now() - timedelta(days=days_ago)
        )
        make_resident(home, name=name).care_tags.set([alone])
        homes[name] = home
    login(page, "wangfang", PASSWORD)
    page.goto(f"{base_url}/patrols/app/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    late = page.locator(f"#list-overdue li[data-household='{homes['张大爷'].pk}'] .badge")
    expect(late).to_have_text("逾期8天")
    # still within its grace days, but past its due date: marked in today's list too
    expect(
        page.locator(f"#list-today li[data-household='{homes['李奶奶'].pk}'] .badge")
    ).to_have_text("逾期2天")
    page.screenshot(path="test-results/grid-app-overdue-390.png", full_page=True)

    # saving offline says it waits to be sent
    page.context.set_offline(True)
    page.locator(f"#list-overdue li[data-household='{homes['张大爷'].pk}'] button").click()
    page.select_option("#visit-form select[name=mode]", "in_person")
    page.select_option("#visit-form select[name=outcome]", "normal")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#toast")).to_have_text("已存入待发送")
    page.screenshot(path="test-results/grid-app-toast-390.png")
    # saving online says saved
    page.context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text("0")
    page.locator(f"#list-today li[data-household='{homes['李奶奶'].pk}'] button").click()
    page.select_option("#visit-form select[name=mode]", "in_person")
    page.select_option("#visit-form select[name=outcome]", "normal")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#toast")).to_have_text("已保存")
