"""What party staff maintain: organisations on pages, alliances, 中心户 links and community
profiles in the back office (scoped), transfers in from outside the city, the member
export, meeting photos, the 双报到 feedback sheet, the 党小组 rule, and the second factor."""

import io
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.audit.models import AuditEvent
from wangge.core import crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.party import rules, services
from wangge.party.models import (
    Alliance,
    CentralHousehold,
    CommunityProfile,
    DualRegistration,
    Meeting,
    Member,
    MemberStatus,
    PartyOrg,
    ServiceHours,
    Transfer,
)
from wangge.party.tests.conftest import member
from wangge.testing import make_user
from wangge.testing.cases import PNG
from wangge.testing.people import make_household, make_resident, valid_id_number


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- second factor


def test_the_party_roles_sign_in_with_a_second_factor_by_default():
    from config.settings import base

    assert {Role.PARTY_SECRETARY, Role.PARTY_STAFF, Role.ORG_DEPT} <= set(base.WANGGE_OTP_REQUIRED_ROLES)


def test_a_party_secretary_without_the_code_reaches_no_member(world, settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = ["party_secretary"]
    client = Client()
    assert client.post("/login/", {"username": "sec_a", "password": "Secret-pass-123"}).status_code == 302
    response = client.get("/party/members/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/")
    assert client.get("/api/party/members").status_code == 401


# ---------------------------------------------------------------- back office


@pytest.fixture
def staff_b(world):
    return make_user(Role.PARTY_STAFF, world.street_b, username="staff_b")


def test_party_staff_reach_the_party_back_office_only(world):
    client = client_of(world.staff_a)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/party/alliance/").status_code == 200
    # the rest of the back office stays closed to them
    assert client.get("/admin/people/resident/").status_code in (302, 403, 404)
    assert client.get("/admin/areas/building/").status_code in (302, 403, 404)
    # a secretary and a grid worker reach none of it
    for user in (world.secretary_a, world.grid_worker):
        assert client_of(user).get("/admin/party/alliance/").status_code in (302, 403, 404)


def test_an_alliance_is_written_in_scope_only(world, staff_b):
    client = client_of(world.staff_a)
    ok = client.post("/admin/party/alliance/add/", {
        "name": "甲街道党建联盟", "area": world.street_a.pk, "industry": "", "orgs": [world.branch_a.pk],
        "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0",
        "activities-0-date": "2026-06-01", "activities-0-title": "共建活动", "activities-0-orgs_taking_part": "2",
    })
    assert ok.status_code == 302, ok.content.decode()[:2000]
    alliance = Alliance.objects.get()
    assert alliance.area_path == world.street_a.path and alliance.activities.count() == 1
    # another street's area or organisation is refused and written nowhere
    forged = client.post("/admin/party/alliance/add/", {
        "name": "越界联盟", "area": world.street_b.pk, "orgs": [world.branch_b.pk],
        "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
    })
    assert forged.status_code == 200 and Alliance.objects.count() == 1
    assert AuditEvent.objects.filter(action="access_denied", detail__via="admin").exists()
    # the other street's staff neither list nor open it
    other = client_of(staff_b)
    assert "甲街道党建联盟" not in other.get("/admin/party/alliance/").content.decode()
    assert other.get(f"/admin/party/alliance/{alliance.pk}/change/").status_code in (302, 404)
    assert AuditEvent.objects.filter(action="create", object_type="party.alliance").exists()


def test_a_central_household_links_five_to_fifteen_households_in_scope(world, staff_b):
    centre = make_household(world.grid_a)
    neighbours = [make_household(world.grid_a) for _ in range(5)]
    someone = Member.objects.filter(org=world.branch_a).first()
    client = client_of(world.staff_a)
    data = {"member": someone.pk, "household": centre.pk, "since": "2026-06-01", "contact": "13900002222"}
    few = client.post("/admin/party/centralhousehold/add/", {**data, "linked": ",".join(str(h.pk) for h in neighbours[:4])})
    assert few.status_code == 200 and "联系户须为 5–15 户" in few.content.decode()
    ok = client.post("/admin/party/centralhousehold/add/", {**data, "linked": ",".join(str(h.pk) for h in neighbours)})
    assert ok.status_code == 302
    row = CentralHousehold.objects.get()
    assert row.linked.count() == 5 and row.contact == "13900002222" and row.area_path == world.grid_a.path
    assert "13900002222" not in str(AuditEvent.objects.filter(object_type="party.centralhousehold").values_list("detail", flat=True))
    # a household of another street is not accepted by the other street's staff either way
    far = make_household(world.grid_b)
    forged = client_of(staff_b).post(f"/admin/party/centralhousehold/{row.pk}/change/", {
        **data, "household": far.pk, "linked": ",".join(str(h.pk) for h in neighbours)})
    assert forged.status_code in (302, 404)
    row.refresh_from_db()
    assert row.household_id == centre.pk


def test_community_profiles_are_kept_in_the_back_office_by_area(world, staff_b):
    community = Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=world.street_a.path).first()
    client = client_of(world.staff_a)
    response = client.post("/admin/party/communityprofile/add/", {
        "community": community.pk, "secretary_is_director": "on"})
    assert response.status_code == 302
    profile = CommunityProfile.objects.get()
    assert profile.secretary_is_director and profile.area_path == community.path
    assert client_of(staff_b).get(f"/admin/party/communityprofile/{profile.pk}/change/").status_code in (302, 404)
    assert "100.0" in client.get("/party/communities/").content.decode()


def test_members_stay_read_only_in_the_back_office(world):
    someone = Member.objects.filter(org=world.branch_a).first()
    client = client_of(world.staff_a)
    listing = client.get("/admin/party/member/").content.decode()
    assert someone.name in listing and "乙党员0" not in listing
    before = someone.name
    client.post(f"/admin/party/member/{someone.pk}/change/", {"name": "改名"})
    someone.refresh_from_db()
    assert someone.name == before


# ---------------------------------------------------------------- organisations


def test_party_staff_create_and_edit_organisations_in_their_area(world, staff_b):
    client = client_of(world.staff_a)
    work_a = PartyOrg.objects.get(code="SA")
    form = {"code": "GA1", "name": "甲网格党小组", "level": "group", "kind": "grid",
            "area_code": world.grid_a.code, "joint_units": "1", "committee_size": "0"}
    assert client.get(f"/party/orgs/new/?parent={work_a.pk}").status_code == 200
    response = client.post(f"/party/orgs/new/?parent={work_a.pk}", form)
    assert response.status_code == 302
    group = PartyOrg.objects.get(code="GA1")
    assert group.area_path == world.grid_a.path and group.path.startswith(work_a.path)
    # an area of another street: a field error, nothing written
    far = client.post(f"/party/orgs/new/?parent={work_a.pk}", {**form, "code": "GA2", "area_code": world.grid_b.code})
    assert "所服务区域不在您的管辖范围内" in far.content.decode() and not PartyOrg.objects.filter(code="GA2").exists()
    # a duplicate code and a joint branch of six units: field errors
    dup = client.post(f"/party/orgs/new/?parent={work_a.pk}", form).content.decode()
    assert "组织编码已存在" in dup
    six = client.post(f"/party/orgs/new/?parent={work_a.pk}", {**form, "code": "GA3", "level": "joint_branch",
                                                               "joint_units": "6"})
    assert six.status_code == 200 and not PartyOrg.objects.filter(code="GA3").exists()
    # editing with the version read
    edit = client.post(f"/party/orgs/{group.pk}/edit/", {**form, "name": "甲网格第一党小组", "version": "0"})
    assert edit.status_code == 302 and PartyOrg.objects.get(pk=group.pk).name == "甲网格第一党小组"
    stale = client.post(f"/party/orgs/{group.pk}/edit/", {**form, "name": "旧", "version": "0"})
    assert "该记录已被他人修改" in stale.content.decode()
    # the other street's staff and a secretary cannot
    assert client_of(staff_b).get(f"/party/orgs/{group.pk}/edit/").status_code == 404
    assert client_of(staff_b).post(f"/party/orgs/new/?parent={work_a.pk}", {**form, "code": "GB9"}).status_code == 404
    assert client_of(world.secretary_a).get(f"/party/orgs/{world.branch_a.pk}/edit/").status_code == 404
    assert AuditEvent.objects.filter(action="party_org_create").count() == 1


# ---------------------------------------------------------------- transfers in


def _letter(**extra):
    return {"letter_no": "WZ-2026-9", "outside_org": "呼和浩特市某党支部", "issued_on": "2026-06-10",
            "name": "新来党员", "id_number": valid_id_number(seq=41), "admitted_on": "2012-07-01",
            "stage": "full", **extra}


def test_a_member_from_outside_the_city_is_received_by_the_branch(world):
    client = client_of(world.secretary_a)
    response = client.post(f"/party/orgs/{world.branch_a.pk}/transfer-in/", _letter())
    assert response.status_code == 302
    newcomer = Member.objects.get(name="新来党员")
    assert newcomer.org_id == world.branch_a.pk and newcomer.status == MemberStatus.NORMAL
    transfer = Transfer.objects.get(member=newcomer)
    assert (transfer.scope, transfer.status, transfer.from_org_id) == ("in", "received", None)
    assert transfer.valid_until == date(2026, 7, 10)
    assert crypto.decrypt(newcomer.id_number_enc) == valid_id_number(seq=41)
    # it appears in the receiving branch's transfer history, not in the other street's
    assert "WZ-2026-9" in client.get("/party/transfers/?show=all").content.decode()
    assert "WZ-2026-9" not in client_of(world.secretary_b).get("/party/transfers/?show=all").content.decode()
    # the same person again: refused on the field
    again = client.post(f"/party/orgs/{world.branch_a.pk}/transfer-in/", _letter(letter_no="WZ-2"))
    assert "一人一条组织关系" in again.content.decode() and Member.objects.filter(name="新来党员").count() == 1


def test_an_expired_letter_and_another_branch_are_refused(world):
    client = client_of(world.secretary_a)
    old = client.post(f"/party/orgs/{world.branch_a.pk}/transfer-in/", _letter(issued_on="2026-03-01"))
    assert "介绍信已过有效期" in old.content.decode()
    assert client.post(f"/party/orgs/{world.branch_b.pk}/transfer-in/", _letter()).status_code == 404
    assert not Transfer.objects.exists()


def test_a_member_who_left_the_city_comes_back_on_their_old_row(world):
    leaver = Member.objects.filter(org=world.branch_b).first()
    leaver.set_id_number(valid_id_number(seq=77))
    leaver.status = MemberStatus.LEFT
    leaver.save()
    transfer = services.transfer_in_record(
        actor=world.secretary_a, to_org=world.branch_a, letter_no="BACK-1", outside_org="外地党委",
        issued_on=date(2026, 6, 1), name=leaver.name, admitted_on=date(2010, 1, 1),
        id_number=valid_id_number(seq=77))
    leaver.refresh_from_db()
    assert transfer.member_id == leaver.pk and leaver.org_id == world.branch_a.pk
    assert leaver.status == MemberStatus.NORMAL
    with pytest.raises(NotFoundOrForbidden):
        services.transfer_in_record(actor=world.secretary_b, to_org=world.branch_a, letter_no="x",
                                    outside_org="y", issued_on=date(2026, 6, 1), name="z",
                                    admitted_on=date(2010, 1, 1))
    with pytest.raises(ApplicationError):
        services.transfer_in_record(actor=world.secretary_a, to_org=world.branch_a, letter_no="x",
                                    outside_org=" ", issued_on=date(2026, 6, 1), name="z",
                                    admitted_on=date(2010, 1, 1))


# ---------------------------------------------------------------- export


def _sheet(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_member_export_carries_the_scope_masked_and_is_audited(world):
    someone = Member.objects.filter(org=world.branch_a).first()
    someone.set_id_number(valid_id_number(seq=12))
    someone.set_phone("13812345678")
    someone.save()
    response = client_of(world.secretary_a).get("/party/members/export/")
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0][2] == "姓名" and {r[2] for r in rows[1:]} == {f"甲党员{k}" for k in range(4)}
    flat = str(rows)
    assert valid_id_number(seq=12) not in flat and "13812345678" not in flat and "138****5678" in flat
    event = AuditEvent.objects.get(action="export", object_type="party.member")
    assert event.detail["rows"] == 4
    # another branch's organisation answers 404; a grid worker gets nothing
    assert client_of(world.secretary_a).get(f"/party/members/export/?org={world.branch_b.pk}").status_code == 404
    assert client_of(world.grid_worker).get("/party/members/export/").status_code == 404
    # the organisation department exports the city
    assert len(_sheet(client_of(world.orgdept).get("/party/members/export/"))) == 8


def test_the_export_is_limited_per_hour(world, settings):
    settings.WANGGE_EXPORT_PER_HOUR = 1
    client = client_of(world.secretary_a)
    assert client.get("/party/members/export/").status_code == 200
    assert client.get("/party/members/export/").status_code == 302


# ---------------------------------------------------------------- meeting photos


def test_meeting_photos_are_re_encoded_and_served_in_scope_only(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids = list(Member.objects.filter(org=world.branch_a).values_list("id", flat=True))
    client = client_of(world.secretary_a)
    response = client.post(f"/party/orgs/{world.branch_a.pk}/meetings/new/", {
        "kind": "theme_day", "date": "2026-06-10", "topic": "主题党日", "attendees": ids[:2], "client_key": "p1",
        "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/party/meetings/{meeting.pk}/"
    assert meeting.photos.count() == 1 and meeting.photo_count == 1
    photo = meeting.photos.get()
    page = client.get(f"/party/meetings/{meeting.pk}/").content.decode()
    assert photo.token in page
    assert client.get(f"/party/meetings/{meeting.pk}/photos/{photo.token}/thumb/").status_code == 200
    # more on the record's page
    more = client.post(f"/party/meetings/{meeting.pk}/", {"photos": [SimpleUploadedFile("b.png", PNG, content_type="image/png")]})
    assert more.status_code == 302 and Meeting.objects.get().photo_count == 2
    # not an image: refused on the field, nothing stored
    bad = client.post(f"/party/meetings/{meeting.pk}/", {"photos": [SimpleUploadedFile("c.png", b"no image", content_type="image/png")]})
    assert bad.status_code == 200 and Meeting.objects.get().photos.count() == 2
    # another branch's secretary neither sees, fetches nor adds
    other = client_of(world.secretary_b)
    assert other.get(f"/party/meetings/{meeting.pk}/").status_code == 404
    assert other.get(f"/party/meetings/{meeting.pk}/photos/{photo.token}/").status_code == 404
    assert other.post(f"/party/meetings/{meeting.pk}/", {"photos": [SimpleUploadedFile("d.png", PNG, content_type="image/png")]}).status_code == 404
    assert AuditEvent.objects.filter(action="party_meeting_photo").count() == 2


# ---------------------------------------------------------------- 双报到 feedback sheet


def test_the_feedback_sheet_shows_confirmed_hours_in_scope(world, staff_b):
    someone = Member.objects.filter(org=world.branch_a).first()
    Member.objects.filter(pk=someone.pk).update(in_service=True, work_unit="市财政局")
    community = Area.objects.get(path=world.grid_a.path[:16])
    reg = DualRegistration.objects.create(member=someone, community=community, area_path=community.path,
                                          registered_on=date(2026, 3, 1), report_h1=True)
    ServiceHours.objects.create(registration=reg, date=date(2026, 5, 1), hours=3, confirmed=True)
    ServiceHours.objects.create(registration=reg, date=date(2026, 5, 8), hours=2, confirmed=False)
    client = client_of(world.staff_a)
    assert f"/party/dual/{reg.pk}/feedback/" in client.get("/party/dual/").content.decode()
    page = client.get(f"/party/dual/{reg.pk}/feedback/").content.decode()
    assert "市财政局" in page and "3.0" in page and "上半年已报告" in page and "另有 1 条待确认" in page
    assert client.post(f"/party/dual/{reg.pk}/feedback/sent/").status_code == 302
    reg.refresh_from_db()
    assert reg.feedback_sent_on == date(2026, 6, 15)
    assert AuditEvent.objects.filter(action="party_dual_feedback").exists()
    for user in (staff_b, world.secretary_b, world.grid_worker):
        assert client_of(user).get(f"/party/dual/{reg.pk}/feedback/").status_code == 404
        assert client_of(user).post(f"/party/dual/{reg.pk}/feedback/sent/").status_code == 404


# ---------------------------------------------------------------- the 党小组 rule


def test_a_bare_grid_with_three_members_living_there_needs_a_group(world):
    bare = Area.objects.filter(kind=AreaKind.GRID, path__startswith=world.street_a.path).exclude(pk=world.grid_a.pk).first()
    household = make_household(bare)
    industry = PartyOrg.objects.get(code="SA")
    for k in range(3):
        resident = make_resident(household, name=f"住户{k}", id_number=valid_id_number(seq=200 + k))
        member(industry, f"住户{k}", resident=resident)
    grids = rules.bare_grids_with_counts(
        Area.objects.filter(kind=AreaKind.GRID).exclude(id__in=PartyOrg.objects.values("area_id")))
    flagged = {g.pk: (g.members, g.needs_group) for g in grids}
    assert flagged[bare.pk] == (3, True)
    assert all(not needs for pk, (_n, needs) in flagged.items() if pk != bare.pk)
    page = client_of(world.staff_a).get("/party/health/").content.decode()
    assert "网格党员 3 名以上，应建立党小组" in page and bare.name in page
    # a 党小组 for that grid takes it off the list
    PartyOrg.objects.add_child(PartyOrg.objects.get(pk=industry.pk), instance=PartyOrg(
        code="GX", name="小组", level="group", kind="grid", area=bare, area_path=bare.path))
    assert "网格党员 3 名以上，应建立党小组" not in client_of(world.staff_a).get("/party/health/").content.decode()


# ---------------------------------------------------------------- the household page


def test_the_household_page_shows_its_central_household_to_the_grid_worker_only(world):
    centre = make_household(world.grid_a)
    neighbour = make_household(world.grid_a)
    someone = Member.objects.filter(org=world.branch_a).first()
    row = CentralHousehold.objects.create(member=someone, household=centre, area_path=world.grid_a.path,
                                          contact_enc=crypto.encrypt("13900003333"), since=date(2026, 1, 1))
    row.linked.set([neighbour])
    worker = client_of(world.grid_worker)
    page = worker.get(f"/households/{neighbour.pk}/").content.decode()
    assert "联系本户的党员中心户" in page and "13900003333" in page and someone.name in page
    # nothing more of the membership (no organisation, no stage)
    assert world.branch_a.name not in page and "正式党员" not in page
    assert "本户是党员中心户" in worker.get(f"/households/{centre.pk}/").content.decode()
    # a street officer (no party role, no 中心户 role) sees no such section
    officer = make_user(Role.STREET_STAFF, world.street_a)
    assert "13900003333" not in client_of(officer).get(f"/households/{neighbour.pk}/").content.decode()


def test_settings_keep_the_link_limits():
    assert django_settings.WANGGE_PARTY_CENTRAL_LINKS == (5, 15)


# ---------------------------------------------------------------- 双报到 registration, posts, hours


def test_a_member_registers_claims_a_post_and_logs_hours_the_community_confirms(world, staff_b):
    from wangge.party.models import ServicePost

    someone = Member.objects.filter(org=world.branch_a).first()
    community = Area.objects.get(path=world.grid_a.path[:16])
    Member.objects.filter(pk=someone.pk).update(in_service=True, residence=community)
    post = ServicePost.objects.create(community=community, area_path=community.path, title="助老服务岗")
    other_community = Area.objects.filter(kind=AreaKind.COMMUNITY).exclude(pk=community.pk).first()
    elsewhere = ServicePost.objects.create(community=other_community, area_path=other_community.path, title="别处岗")
    client = client_of(world.secretary_a)
    url = f"/party/members/{someone.pk}/dual/"
    assert client.post(url, {"action": "register", "community_code": community.code,
                             "registered_on": "2026-06-01"}).status_code == 302
    reg = DualRegistration.objects.get(member=someone)
    assert reg.area_path == community.path
    # a post of another community is refused on the field
    bad = client.post(url, {"action": "claim", "posts": [elsewhere.pk]})
    assert bad.status_code == 200 and not reg.posts.exists()
    assert client.post(url, {"action": "claim", "posts": [post.pk], "report_h1": "on"}).status_code == 302
    reg.refresh_from_db()
    assert list(reg.posts.all()) == [post] and reg.report_h1 and not reg.report_h2
    # hours: a future day and 30 hours are field errors; 2.5 hours on the post is logged, unconfirmed
    assert "服务日期不能晚于今天" in client.post(url, {"action": "hours", "date": "2026-07-01", "hours": "2"}).content.decode()
    assert client.post(url, {"action": "hours", "date": "2026-06-10", "hours": "30"}).status_code == 200
    assert client.post(url, {"action": "hours", "date": "2026-06-10", "hours": "2.5", "post": post.pk}).status_code == 302
    logged = ServiceHours.objects.get(registration=reg)
    assert not logged.confirmed and str(logged.hours) == "2.5"
    # the community's party staff confirm it; the other street's staff and a grid worker reach nothing
    services.hours_confirm(actor=world.staff_a, hours_id=logged.pk)
    for user in (staff_b, world.secretary_b, world.grid_worker):
        assert client_of(user).get(url).status_code == 404
        assert client_of(user).post(url, {"action": "hours", "date": "2026-06-10", "hours": "1"}).status_code == 404
    assert ServiceHours.objects.count() == 1
    assert AuditEvent.objects.filter(action__in=["party_dual_register", "party_dual_update", "party_hours_log"]).count() == 3


def test_only_an_in_service_member_registers(world):
    someone = Member.objects.filter(org=world.branch_a).first()
    community = Area.objects.get(path=world.grid_a.path[:16])
    with pytest.raises(ApplicationError):
        services.dual_register(actor=world.secretary_a, member=someone, community=community)
    Member.objects.filter(pk=someone.pk).update(in_service=True)
    someone.refresh_from_db()
    services.dual_register(actor=world.secretary_a, member=someone, community=community)
    with pytest.raises(ApplicationError):
        services.dual_register(actor=world.secretary_a, member=someone, community=community)
    with pytest.raises(NotFoundOrForbidden):
        services.dual_register(actor=world.secretary_b, member=someone, community=community)
