"""Party work on a phone: a branch secretary records a members' meeting with attendance;
a transfer leaves one street's branch and is received in another's; the health page
lists a branch that fell below three full members. Each page fits 390 px and passes axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_page import axe_violations, overflow
from wangge.party.models import Meeting, Member, Transfer
from wangge.party.tests.conftest import build_party_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"


def checked(page) -> None:
    assert overflow(page) == ""
    assert axe_violations(page) == []


def test_party_work_on_a_phone(phone_page, login, base_url, settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []
    world = build_party_world()
    for user in (world.secretary_a, world.secretary_b, world.orgdept):
        user.set_password(PASSWORD)
        user.save()
    page = phone_page

    # a branch secretary records a 支部党员大会 with three of four members present
    login(page, "sec_a", PASSWORD)
    page.goto(f"{base_url}/party/orgs/{world.branch_a.id}/")
    checked(page)
    page.click("text=记录会议")
    checked(page)
    page.select_option("#id_kind", "assembly")
    page.fill("#id_topic", "学习党章")
    boxes = page.locator("input[name=attendees]")
    for k in range(3):
        boxes.nth(k).check()
    page.click("form.form-card button[type=submit]")
    expect(page.locator("body")).to_contain_text("已记录会议")
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.attended, meeting.expected, meeting.valid) == ("assembly", 3, 4, True)

    # the secretary sends a member to the other street's branch
    member = Member.objects.filter(org=world.branch_a).order_by("name").first()
    page.goto(f"{base_url}/party/members/{member.id}/")
    checked(page)
    page.click("text=转出组织关系")
    page.fill("#id_letter_no", "ZZ2026-001")
    page.fill("#id_to_org_code", world.branch_b.code)
    page.click("form.form-card button[type=submit]")
    expect(page.locator("body")).to_contain_text("已开具组织关系介绍信")

    # the other street's secretary receives it
    page.context.clear_cookies()
    login(page, "sec_b", PASSWORD)
    page.goto(f"{base_url}/party/transfers/")
    checked(page)
    page.click("text=确认接收")
    expect(page.locator("body")).to_contain_text("已接收组织关系")
    transfer = Transfer.objects.get()
    member.refresh_from_db()
    assert transfer.status == "received" and member.org_id == world.branch_b.id

    # the first branch is left with three members; one is only probationary: two full
    first = Member.objects.filter(org=world.branch_a).order_by("name").first()
    Member.objects.filter(pk=first.pk).update(stage="probationary")
    page.context.clear_cookies()
    login(page, "orgdept", PASSWORD)
    page.goto(f"{base_url}/party/health/")
    checked(page)
    breaches = page.locator("#breaches")
    expect(breaches).to_contain_text(world.branch_a.name)
    expect(breaches).to_contain_text("正式党员不足")
