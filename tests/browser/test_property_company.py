"""A property company's staff on a phone (390 px): they see their company's estate and
not another's, reply to the opinion book as the company, and read the community's
meeting with expected vs checked-in attendance per role."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_cases import ensure_seed_category
from wangge.accounts.models import Role
from wangge.areas.models import Area, Estate
from wangge.cases.tests.factories import build_world
from wangge.consultation.models import MeetingKind
from wangge.consultation.services import meeting_check_in, meeting_create
from wangge.core import clock
from wangge.property import services
from wangge.property.models import (
    CompanyStaff,
    EstateProfile,
    ManagementMode,
    OpinionEntry,
    ReplyBy,
)
from wangge.testing import PASSWORD, build_city
from wangge.testing.users import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(base_url):
    ensure_seed_category()
    return build_world(build_city())


def test_a_company_replies_on_its_estates_only(phone_page, base_url, world, login):
    page = phone_page
    a = services.company_register(actor=world.street_staff, area=world.street, name="甲物业",
                                  credit="91350100M000100Y43")
    b = services.company_register(actor=world.street_staff, area=world.street, name="乙物业",
                                  credit="91440300708461136T")
    mine = Estate.objects.create(grid=world.grid, name="幸福小区")
    other_grid = Area.objects.filter(path__startswith=world.other_community.path, depth=5).first()
    theirs = Estate.objects.create(grid=other_grid, name="别处小区")
    for estate, company in ((mine, a), (theirs, b)):
        EstateProfile.objects.create(estate=estate, area_path=estate.area_path, mode=ManagementMode.COMPANY,
                                     company=company, households=100)
    user = make_user(Role.PROPERTY_STAFF, world.street, username="wuye-browser")
    CompanyStaff.objects.create(user=user, company=a, since=clock.today() - timedelta(days=3))
    entry = services.opinion_write(actor=None, estate=mine, text="三号楼电梯异响")
    services.opinion_write(actor=None, estate=theirs, text="别处的留言")
    meeting = meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.COUNCIL,
                             title="物业议事会", date=clock.today(), place="会议室",
                             expected_by_role={"property": 1, "committee": 5, "resident": 6})
    meeting_check_in(token=meeting.checkin_token, role="property", name="甲物业项目经理")

    login(page, "wuye-browser", PASSWORD)
    page.goto(f"{base_url}/property/estates/")
    expect(page.locator("main")).to_contain_text("幸福小区")
    expect(page.locator("main")).not_to_contain_text("别处小区")
    page.goto(f"{base_url}/property/opinions/")
    expect(page.locator("main")).not_to_contain_text("别处的留言")
    page.goto(f"{base_url}/property/opinions/{entry.pk}/")
    page.fill("#id_reply", "已联系电梯维保单位，明天上午检修。")
    page.click("form:has(input[name=action][value=reply]) button[type=submit]")
    expect(page.locator("main")).to_contain_text("已联系电梯维保单位")
    entry.refresh_from_db()
    assert entry.reply_by == ReplyBy.COMPANY and entry.replied_by_id == user.pk
    # the public reply board shows the company's answer
    page.goto(f"{base_url}/property/e/{mine.pk}/opinions/")
    expect(page.locator("main")).to_contain_text("已联系电梯维保单位")
    # the community's meeting: expected vs checked in per role
    page.goto(f"{base_url}/property/meetings/")
    page.click("text=物业议事会")
    row = page.locator("#attendance-by-role tr", has_text="物业经理")
    expect(row).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert OpinionEntry.objects.filter(estate=theirs, replied_at__isnull=True).exists()
