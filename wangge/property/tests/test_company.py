"""The property company login (PROPERTY_STAFF scoped by CompanyStaff to the company's
estates), the company's party organisation, the stored case–estate link and expected
attendance per role — reads and writes across scopes through pages, API and admin."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from wangge.accounts.models import Role
from wangge.areas.models import Area, Estate
from wangge.consultation import services as consult
from wangge.consultation.models import MeetingKind
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.party.models import Industry, PartyOrg
from wangge.property import selectors, services
from wangge.property.models import (
    CaseEstate,
    CompanyStaff,
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    ReplyBy,
)
from wangge.testing.users import make_user

CODES = ("91350100M000100Y43", "91440300708461136T")


@pytest.fixture
def two(world):
    """Company A manages 幸福小区 (our community); company B manages 别处小区 (the other
    community of the street). ``a_user`` works for A."""
    a = services.company_register(actor=world.street_staff, area=world.street, name="甲物业", credit=CODES[0])
    b = services.company_register(actor=world.street_staff, area=world.street, name="乙物业", credit=CODES[1])
    mine = Estate.objects.create(grid=world.grid, name="幸福小区")
    other_grid = Area.objects.filter(path__startswith=world.other_community.path, depth=5).first()
    theirs = Estate.objects.create(grid=other_grid, name="别处小区")
    for estate, company in ((mine, a), (theirs, b)):
        EstateProfile.objects.create(estate=estate, area_path=estate.area_path, mode=ManagementMode.COMPANY,
                                     company=company, households=100)
        FeeRecord.objects.create(estate=estate, area_path=estate.area_path, period=date(2026, 5, 1),
                                 amount_due=Decimal(1000), amount_paid=Decimal(900), households_due=100,
                                 households_paid=90)
    a_user = make_user(Role.PROPERTY_STAFF, world.street, username="wuye-a")
    CompanyStaff.objects.create(user=a_user, company=a, since=clock.today() - timedelta(days=10))
    entries = {
        e: services.opinion_write(actor=None, estate=e, text=f"{e.name}的电梯坏了") for e in (mine, theirs)
    }
    return {"a": a, "b": b, "mine": mine, "theirs": theirs, "user": a_user, "entries": entries}


def test_a_company_user_reads_only_its_estates_through_pages_and_api(client, world, two):
    user, mine, theirs = two["user"], two["mine"], two["theirs"]
    assert [e.pk for e in selectors.estates_visible_to(user)] == [mine.pk]
    client.force_login(user)
    html = client.get("/property/estates/").content.decode()
    assert "幸福小区" in html and "别处小区" not in html
    assert client.get(f"/property/estates/{mine.pk}/").status_code == 200
    assert client.get(f"/property/estates/{theirs.pk}/").status_code == 404
    fees = client.get("/property/fees/").content.decode()
    assert "幸福小区" in fees and "别处小区" not in fees
    opinions = client.get("/property/opinions/").content.decode()
    assert "幸福小区的电梯坏了" in opinions and "别处小区" not in opinions
    assert client.get(f"/property/opinions/{two['entries'][theirs].pk}/").status_code == 404
    companies = client.get("/property/companies/").content.decode()
    assert "甲物业" in companies and "乙物业" not in companies
    assert client.get(f"/property/companies/{two['a'].pk}/").status_code == 200
    assert client.get(f"/property/companies/{two['b'].pk}/").status_code == 404
    # owners' committees are the community's business, not the company's
    assert client.get("/property/committees/").status_code == 404
    assert [row["name"] for row in client.get("/api/property/estates/").json()] == ["幸福小区"]
    # nothing in the back office, nothing of the registry or cases
    assert client.get("/admin/property/feerecord/").status_code in (302, 403, 404)
    assert client.get("/cases/").status_code in (302, 403, 404)
    # writes of area staff are refused and leave no trace
    response = client.post(f"/property/estates/{mine.pk}/", {"mode": "self", "households": 1,
                                                              "delivered_percent": 100})
    assert response.status_code == 404
    assert EstateProfile.objects.get(estate=mine).mode == ManagementMode.COMPANY


def test_a_company_user_replies_as_the_company_and_only_on_its_estates(client, world, two):
    user, mine, theirs = two["user"], two["mine"], two["theirs"]
    own, other = two["entries"][mine], two["entries"][theirs]
    client.force_login(user)
    page = client.get(f"/property/opinions/{own.pk}/").content.decode()
    assert "公开答复" in page and "转为事件" not in page and 'name="reply_by"' not in page
    response = client.post(f"/property/opinions/{own.pk}/", {"action": "reply", "reply": "已安排维修"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.reply_by == ReplyBy.COMPANY and own.replied_by == user and own.reply == "已安排维修"
    # another company's estate: as if missing, nothing written (page and service)
    assert client.post(f"/property/opinions/{other.pk}/", {"action": "reply", "reply": "x"}).status_code == 404
    with pytest.raises(NotFoundOrForbidden):
        services.opinion_reply(actor=user, entry_id=other.pk, reply="x")
    other.refresh_from_db()
    assert other.replied_at is None
    # converting to a case or proposal is the community's
    fresh = services.opinion_write(actor=None, estate=mine, text="又坏了")
    assert client.post(f"/property/opinions/{fresh.pk}/", {"action": "case", "category": world.category.pk}).status_code == 404
    with pytest.raises(NotFoundOrForbidden):
        services.opinion_to_case(actor=user, entry_id=fresh.pk, category=world.category)
    fresh.refresh_from_db()
    assert fresh.case_id is None


def test_the_company_scope_follows_the_contract_and_the_tenure(world, two):
    user, mine = two["user"], two["mine"]
    assert selectors.estates_visible_to(user).count() == 1
    # the estate changes company: the old company's staff lose it
    EstateProfile.objects.filter(estate=mine).update(company=two["b"])
    user.__dict__.pop("_wangge_property_companies", None)
    assert selectors.estates_visible_to(user).count() == 0
    assert selectors.fees_visible_to(user).count() == 0
    EstateProfile.objects.filter(estate=mine).update(company=two["a"])
    # the staff member left the company yesterday
    CompanyStaff.objects.filter(user=user).update(until=clock.today())
    from wangge.testing.users import reload

    user = reload(user)
    assert selectors.estates_visible_to(user).count() == 0
    assert selectors.opinions_visible_to(user).count() == 0
    # the role alone (no company) sees nothing
    lone = make_user(Role.PROPERTY_STAFF, world.street)
    assert selectors.estates_visible_to(lone).count() == 0


def test_a_company_user_sees_the_meetings_of_its_communities_only(client, world, two):
    ours = consult.meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.COUNCIL,
                                  title="物业议事会", date=clock.today(), place="会议室",
                                  expected_by_role={"property": 1, "committee": 5})
    theirs = consult.meeting_create(actor=world.other_community_staff, community=world.other_community,
                                    kind=MeetingKind.COUNCIL, title="别处议事会", date=clock.today(), place="会议室")
    client.force_login(two["user"])
    html = client.get("/property/meetings/").content.decode()
    assert "物业议事会" in html and "别处议事会" not in html
    detail = client.get(f"/property/meetings/{ours.pk}/").content.decode()
    assert "attendance-by-role" in detail
    assert client.get(f"/property/meetings/{theirs.pk}/").status_code == 404
    # the consultation pages stay the community's
    assert client.get(f"/consultation/meetings/{ours.pk}/").status_code == 404
    # area staff have no company meetings page
    client.force_login(world.community_staff)
    assert client.get("/property/meetings/").status_code == 404


def test_expected_attendance_per_role(client, world):
    meeting = consult.meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.TALK,
                                     title="恳谈会", date=clock.today(), place="会议室",
                                     expected_by_role={"committee": 5, "resident": 10})
    assert meeting.expected == 15 and meeting.expected_by_role == {"committee": 5, "resident": 10}
    consult.meeting_check_in(token=meeting.checkin_token, role="resident", name="张三")
    from wangge.consultation.selectors import attendance_by_role

    rows = {label: (e, a) for label, e, a in attendance_by_role(meeting)}
    assert rows["居民代表"] == (10, 1) and rows["两委成员"] == (5, 0) and rows["物业经理"] == (None, 0)
    with pytest.raises(ApplicationError) as short:
        consult.meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.TALK,
                               title="x", date=clock.today(), place="y", expected=3,
                               expected_by_role={"committee": 5})
    assert short.value.field == "expected"
    with pytest.raises(ApplicationError):
        consult.meeting_create(actor=world.community_staff, community=world.community, kind=MeetingKind.TALK,
                               title="x", date=clock.today(), place="y", expected_by_role={"boss": 1})
    # through the page: the per-role fields, and the table on the meeting
    client.force_login(world.community_staff)
    response = client.post("/consultation/meetings/new/", {
        "community": world.community.pk, "kind": MeetingKind.TALK, "title": "六月恳谈会",
        "date": clock.today().isoformat(), "place": "会议室", "expected": 0,
        "expected_committee": 7, "expected_property": 1,
    })
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'id="attendance-by-role"' in html
    from wangge.consultation.models import Meeting

    assert Meeting.objects.get(title="六月恳谈会").expected == 8


def test_the_company_party_organisation(client, world, two):
    def org(parent, code, name, level, kind, industry=""):
        node = PartyOrg(code=code, name=name, level=level, kind=kind, industry=industry, area=world.city,
                        area_path=world.city.path)
        if parent is None:
            return PartyOrg.objects.add_root(instance=node)
        return PartyOrg.objects.add_child(PartyOrg.objects.get(pk=parent.pk), instance=node)

    root = org(None, "R", "市委", "committee", "industry")
    committee = org(root, "PI", "物业行业党委", "committee", "industry", Industry.PROPERTY)
    branch = org(committee, "PI01", "甲物业党支部", "branch", "two_new", Industry.PROPERTY)
    taxi = org(root, "TX", "出租车党支部", "branch", "two_new", Industry.TAXI)
    with pytest.raises(ApplicationError) as wrong:
        services.company_party_link(actor=world.street_staff, company_id=two["a"].pk, party_org=taxi.pk)
    assert wrong.value.field == "party_org"
    # staff of another street cannot link it (as if missing), nothing written
    stranger = make_user(Role.STREET_STAFF, Area.objects.get(path=world.other_grid.path[:12]))
    with pytest.raises(NotFoundOrForbidden):
        services.company_party_link(actor=stranger, company_id=two["a"].pk, party_org=branch.pk)
    client.force_login(world.street_staff)
    response = client.post(f"/property/companies/{two['a'].pk}/", {"party_org": branch.pk})
    assert response.status_code == 302
    two["a"].refresh_from_db()
    assert two["a"].party_org == branch
    html = client.get(f"/property/companies/{two['a'].pk}/").content.decode()
    assert "物业行业党委 › 甲物业党支部" in html
    # the company's staff read it and cannot change it
    client.force_login(two["user"])
    assert "甲物业党支部" in client.get(f"/property/companies/{two['a'].pk}/").content.decode()
    assert client.post(f"/property/companies/{two['a'].pk}/", {"party_org": ""}).status_code == 404
    two["a"].refresh_from_db()
    assert two["a"].party_org == branch


def test_the_case_estate_link_is_stored_and_scoped(client, world, two):
    mine = two["mine"]
    entry = services.opinion_write(actor=None, estate=mine, text="电梯困人")
    services.opinion_to_case(actor=world.community_staff, entry_id=entry.pk, category=world.category)
    link = CaseEstate.objects.get()
    assert link.estate == mine and link.company == two["a"] and link.area_path == mine.area_path
    entry.refresh_from_db()
    # the company's staff see the case number on their estate, without a link into cases
    client.force_login(two["user"])
    html = client.get(f"/property/estates/{mine.pk}/").content.decode()
    assert entry.case.number in html and f"/cases/{entry.case.pk}/" not in html
    # admin: the other community's staff do not see it
    assert OpinionEntry.objects.filter(case__isnull=False).count() == 1


def test_area_staff_give_and_end_a_company_login(client, world, two):
    newcomer = make_user(Role.PROPERTY_STAFF, world.street, username="kefu2")
    plain = make_user(Role.GRID_WORKER, world.grid, username="notcompany")
    client.force_login(world.street_staff)
    page = f"/property/companies/{two['a'].pk}/"
    # only an account holding the role, and one company at a time
    response = client.post(page, {"action": "staff_add", "username": "notcompany"})
    assert response.status_code == 400 and "物业公司人员" in response.content.decode()
    assert client.post(page, {"action": "staff_add", "username": "wuye-a"}).status_code == 400
    assert client.post(page, {"action": "staff_add", "username": "kefu2"}).status_code == 302
    assert [e.name for e in selectors.estates_visible_to(newcomer)] == ["幸福小区"]
    assert not CompanyStaff.objects.filter(user=plain).exists()
    # staff of another street cannot add or end (as if missing), nothing written
    stranger = make_user(Role.STREET_STAFF, Area.objects.get(path=world.other_grid.path[:12]))
    client.force_login(stranger)
    assert client.post(page, {"action": "staff_add", "username": "kefu2"}).status_code == 404
    row = CompanyStaff.objects.get(user=newcomer)
    assert client.post(page, {"action": "staff_end", "staff": row.pk}).status_code == 404
    row.refresh_from_db()
    assert row.until is None
    # nor can the company's own staff
    client.force_login(two["user"])
    assert client.post(page, {"action": "staff_end", "staff": row.pk}).status_code == 404
    # the street ends the tenure: the login sees nothing from today on
    client.force_login(world.street_staff)
    assert client.post(page, {"action": "staff_end", "staff": row.pk}).status_code == 302
    from wangge.testing.users import reload

    assert selectors.estates_visible_to(reload(newcomer)).count() == 0


def test_a_company_user_cannot_import_fees(world, two):
    from wangge.imports.engine import import_run
    from wangge.property.tests.test_imports import FEE_HEADER, xlsx

    upload = xlsx(FEE_HEADER, [[world.grid.code, "幸福小区", "2026-04", 1000, 900, 10, 9]])
    with pytest.raises((NotFoundOrForbidden, ApplicationError, PermissionError)):
        import_run(actor=two["user"], kind="property_fees", mode="valid_rows", upload=upload)
    assert not FeeRecord.objects.filter(period=date(2026, 4, 1)).exists()


def test_an_overdue_entry_tells_the_companys_staff_too_once(world, two, frozen):
    from wangge.notifications.models import Notice
    from wangge.notifications.services import notices_scan_deadlines

    frozen(frozen.now + timedelta(days=10))
    notices_scan_deadlines()
    notices_scan_deadlines()
    got = sorted(Notice.objects.values_list("recipient__username", "title"))
    # our community's staff and company A's login for 幸福小区; B has no login, the other
    # community's staff get their own estate's entry; A's login nothing of 别处小区
    assert ("wuye-a", "“幸福小区”意见簿有留言超期未答复") in got
    assert ("cs", "“幸福小区”意见簿有留言超期未答复") in got
    assert not [row for row in got if row[0] == "wuye-a" and "别处小区" in row[1]]
    assert len([row for row in got if row[0] == "wuye-a"]) == 1


def test_overdue_entries_past_the_first_500_are_told_and_later_scans_read_only_new_ones(
    world, two, frozen
):
    # given 600 unanswered entries long overdue-to-be (the scan once read only the first
    # 500 of every unanswered entry ever, so the newest were never told)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wangge.notifications.models import Notice
    from wangge.notifications.services import notices_scan_deadlines

    mine = two["mine"]
    for n in range(600):
        services.opinion_write(actor=None, estate=mine, text=f"第{n}条留言")
    newest = OpinionEntry.objects.order_by("-pk").first()
    # when they go overdue and the scanner runs
    frozen(frozen.now + timedelta(days=10))
    notices_scan_deadlines()
    # then the newest is told to our community's staff and company A's login
    told = set(Notice.objects.filter(link=f"/property/opinions/{newest.pk}/")
               .values_list("recipient__username", flat=True))
    assert {"cs", "wuye-a"} <= told
    # and a scan five minutes later reads no entry again (nothing new went overdue)
    frozen(frozen.now + timedelta(minutes=5))
    before = Notice.objects.count()
    with CaptureQueriesContext(connection) as queries:
        notices_scan_deadlines()
    assert Notice.objects.count() == before
    assert not [q for q in queries.captured_queries
                if "property_companystaff" in q["sql"] or "property_estateprofile" in q["sql"]]
