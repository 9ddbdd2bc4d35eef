"""Consultation on a phone (390 px): a resident raises a proposal, three neighbours add
"me too", it reaches the agenda; the meeting is held with QR check-in; its resolution
opens a case that is resolved, and the public page shows it done. A village matter
cannot skip a step of 四议两公开."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_cases import ensure_seed_category
from wangge.cases.models import Case
from wangge.cases.services import case_transition
from wangge.cases.tests.factories import build_world
from wangge.consultation.deliberation import deliberation_start, deliberation_step_record
from wangge.consultation.models import DeliberationStep, MeetingKind, Proposal, ProposalStatus, Step
from wangge.consultation.services import meeting_create
from wangge.core import clock
from wangge.testing import PASSWORD, build_city

pytestmark = pytest.mark.browser


@pytest.fixture
def world(base_url):
    ensure_seed_category()
    return build_world(build_city())


def test_from_a_residents_proposal_to_a_resolution_done_in_public(phone_page, base_url, world, login):
    page = phone_page
    code = world.community.code
    meeting = meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.TALK,
                             title="六月民情恳谈会", date=clock.today() + timedelta(days=7), place="活动室",
                             expected=3)
    # a resident raises a proposal without giving a name or phone
    page.goto(f"{base_url}/consultation/c/{code}/raise/")
    page.fill("#id_title", "小区增设电动车充电桩")
    page.click("form.card button[type=submit]")
    expect(page.locator(".proposal h2")).to_have_text("小区增设电动车充电桩")
    proposal = Proposal.objects.get()
    # three neighbours add "me too"
    for phone in ("13700000001", "13700000002", "13700000003"):
        page.fill(f"#phone-{proposal.pk}", phone)
        page.click(f"#proposal-{proposal.pk} button[type=submit]")
        expect(page.locator(".support-count")).to_contain_text(phone[-1])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.meeting_id) == (ProposalStatus.AGENDA, meeting.pk)
    expect(page.locator(".support-count")).to_have_text("3 人附议")

    # staff see it on the meeting's agenda, with the QR code of the check-in page
    login(page, world.community_staff.username, PASSWORD)
    page.goto(f"{base_url}/consultation/meetings/{meeting.pk}/")
    expect(page.locator("main ol li").first).to_contain_text("小区增设电动车充电桩")
    expect(page.locator("img.qr")).to_be_visible()
    checkin = page.locator("#checkin-url").get_attribute("href")
    assert checkin.endswith(f"/consultation/checkin/{meeting.checkin_token}/")
    # a participant opens the URL the QR code encodes and checks in
    page.goto(checkin)
    page.fill("#id_name", "居民代表甲")
    page.select_option("#id_role", "resident")
    page.click("form.card button[type=submit]")
    expect(page.locator("#checked-in")).to_be_visible()
    # the meeting is held: minutes, then a resolution
    page.goto(f"{base_url}/consultation/meetings/{meeting.pk}/")
    expect(page.locator("#attendance-count")).to_have_text("1")
    page.fill("#id_minutes", "议定：在3号楼北侧增设充电桩")
    page.click("text=保存纪要（会议已召开）")
    page.click("text=形成决议事项")
    page.fill("#id_title", "增设电动车充电桩")
    page.fill("#id_owner", "社区居委会")
    page.fill("#id_due_date", (clock.today() + timedelta(days=30)).isoformat())
    page.click("form.card button[type=submit]")
    # the resolution opens a case in the closed loop
    page.select_option("#id_category", label="路灯不亮或损坏")
    page.click("text=生成事件")
    expect(page.locator("#resolution-status")).to_contain_text("落实中")
    case = Case.objects.get()
    for action, actor, params in (("accept", world.community_staff, {}), ("dispatch", world.community_staff, {}),
                                  ("sign", world.handler, {}), ("resolve", world.handler, {"result": "已安装"})):
        case_transition(actor=actor, case_id=case.pk, action=action, **params)
    # and the public page shows it done, with nothing personal
    page.goto(f"{base_url}/consultation/c/{code}/publicity/")
    expect(page.locator(".resolution .resolution-status")).to_have_text("已完成")
    assert "居民代表甲" not in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow


def test_a_village_matter_cannot_skip_a_step(phone_page, base_url, world, login):
    page = phone_page
    row = deliberation_start(actor=world.community_staff, community=world.community, title="村道硬化")
    deliberation_step_record(actor=world.community_staff, deliberation_id=row.pk, step=Step.BRANCH,
                             held_on=clock.today())
    login(page, world.community_staff.username, PASSWORD)
    page.goto(f"{base_url}/consultation/deliberations/{row.pk}/")
    # trying the party members' meeting before the two committees discussed
    page.select_option("#id_step", str(Step.MEMBERS.value))
    page.fill("#id_expected", "30")
    page.fill("#id_present", "25")
    page.fill("#id_approve", "20")
    page.click("text=记录步骤")
    expect(page.locator(".error, .msg-error").first).to_contain_text("须按顺序进行")
    assert list(DeliberationStep.objects.values_list("step", flat=True)) == [Step.BRANCH]
