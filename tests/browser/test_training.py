"""Cadre training on a phone (390 px): a cadre scans into a class (the check-in URL its QR
code encodes), a second cadre requests leave, and the ledger shows the hours at once; a
unit's training officer sees only their own cadres."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import Department, Role
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.testing import build_city
from wangge.testing.users import PASSWORD, make_user
from wangge.training import services
from wangge.training.models import Enrolment

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(base_url):
    city = build_city(districts=1, streets=1, communities=1, grids=1)
    district = Area.objects.get(kind=AreaKind.DISTRICT)
    street = Area.objects.get(kind=AreaKind.STREET)
    department = Department.objects.create(name="区发改委", code="FGW", area=district)
    organiser = make_user(Role.ORG_DEPT, city, username="orgdept")
    unit = services.unit_create(actor=organiser, name="区发改委", area=district, department=department)
    other_unit = services.unit_create(actor=organiser, name="街道办事处", area=street)
    officer = make_user(Role.TRAINING_OFFICER, department=department, username="officer")
    first_user = make_user(Role.CADRE, district, username="cadre1")
    second_user = make_user(Role.CADRE, district, username="cadre2")
    first = services.cadre_create(actor=organiser, unit_id=unit.pk, name="张明", group="township", user=first_user)
    second = services.cadre_create(actor=organiser, unit_id=unit.pk, name="李华", group="township", user=second_user)
    services.cadre_create(actor=organiser, unit_id=other_unit.pk, name="王强", group="township")
    today = clock.today()
    training_class = services.class_create(
        actor=organiser, title="中青年干部培训班", start=today, end=today + timedelta(days=4), hours=35,
        kind="classroom", area=city, full_time=True,
    )
    services.enrol_cadres(actor=officer, class_id=training_class.pk, cadre_ids=[first.pk, second.pk])
    return {"class": training_class, "first": first, "second": second}


def test_scan_in_leave_and_the_ledger(phone_page, base_url, login, setting, browser_log):
    page = phone_page
    training_class = setting["class"]
    # the organiser's page shows the QR code of the check-in URL
    login(page, "orgdept", PASSWORD)
    page.goto(f"{base_url}/training/classes/{training_class.pk}/")
    expect(page.locator(".qr svg")).to_be_visible()
    check_in = page.locator("a", has_text="签到链接").get_attribute("href")
    assert check_in.endswith(f"/training/check-in/{training_class.token}/")
    page.context.clear_cookies()

    # a cadre opens the URL the QR code encodes, signs in and taps 签到
    login(page, "cadre1", PASSWORD)
    page.goto(base_url + urlsplit(check_in).path)
    page.click("#check-in-form button")
    expect(page.locator("#checked-in")).to_contain_text("签到成功")
    page.click("text=查看我的学时")
    expect(page.locator("#my-total")).to_have_text("35")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.clear_cookies()

    # a second cadre asks for leave (over 1/7 of the full-time class): withdrawn
    login(page, "cadre2", PASSWORD)
    page.goto(f"{base_url}/training/me/classes/{training_class.pk}/")
    page.fill("#id_leave-hours", "6")
    page.fill("#id_leave-reason", "病假")
    page.click("text=提交请假")
    expect(page.locator(".msg-error")).to_contain_text("已作退学处理")
    assert Enrolment.objects.get(cadre=setting["second"]).status == "withdrawn"
    page.context.clear_cookies()

    # the unit's officer sees both cadres' hours in the ledger, and no other unit's cadre
    login(page, "officer", PASSWORD)
    page.goto(f"{base_url}/training/ledger/")
    row = page.locator("tr", has_text="张明")
    expect(row.locator("td.num").first).to_have_text("35.0")
    expect(page.locator("tr", has_text="李华").locator("td.num").first).to_have_text("0.0")
    expect(page.locator("body")).not_to_contain_text("王强")
    browser_log.assert_no_external_requests()
