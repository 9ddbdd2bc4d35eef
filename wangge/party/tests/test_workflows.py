"""Meetings and their validity, transfers between streets, the health page and the
compliance figures derived by query."""

from datetime import date

import pytest
from django.test import Client

from wangge.areas.models import Area
from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.party import rules, selectors, services
from wangge.party.models import Meeting, Member, MemberStatus, PartyOrg, TransferStatus


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []


def test_a_members_meeting_is_valid_only_with_more_than_half_of_voting_members(world):
    ids = list(Member.objects.filter(org=world.branch_a).values_list("id", flat=True))
    half = services.meeting_record(actor=world.secretary_a, org=world.branch_a, kind="assembly",
                                   on=date(2026, 6, 1), topic="学习", attendee_ids=ids[:2])
    more = services.meeting_record(actor=world.secretary_a, org=world.branch_a, kind="assembly",
                                   on=date(2026, 6, 2), topic="学习", attendee_ids=ids[:3])
    assert (half.valid, half.voting_expected, half.voting_attended) == (False, 4, 2)
    assert more.valid and more.expected == 4 and more.attended == 3
    assert Member.objects.get(pk=ids[0]).last_org_life_on == date(2026, 6, 2)


def test_a_resent_meeting_is_recorded_once(world):
    first = services.meeting_record(actor=world.secretary_a, org=world.branch_a, kind="lecture",
                                    on=date(2026, 6, 1), topic="党课", client_key="k1")
    again = services.meeting_record(actor=world.secretary_a, org=world.branch_a, kind="lecture",
                                    on=date(2026, 6, 1), topic="党课", client_key="k1")
    assert first.pk == again.pk and Meeting.objects.count() == 1


def test_a_meeting_page_records_attendance(world):
    client = Client()
    client.force_login(world.secretary_a)
    ids = list(Member.objects.filter(org=world.branch_a).values_list("id", flat=True))
    assert client.get(f"/party/orgs/{world.branch_a.id}/meetings/new/").status_code == 200
    response = client.post(f"/party/orgs/{world.branch_a.id}/meetings/new/", {
        "kind": "assembly", "date": "2026-06-10", "topic": "支部党员大会", "attendees": ids[:3],
        "client_key": "abc",
    })
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.valid and meeting.attended == 3
    # a future date is refused with a field error in Chinese
    response = client.post(f"/party/orgs/{world.branch_a.id}/meetings/new/", {
        "kind": "assembly", "date": "2026-07-10", "topic": "x"})
    assert "会议日期不能晚于今天" in response.content.decode()


def test_a_transfer_goes_from_one_street_to_another(world):
    member = Member.objects.filter(org=world.branch_a).first()
    transfer = services.transfer_issue(actor=world.secretary_a, member=member, letter_no="2026-001",
                                       to_org=world.branch_b)
    assert transfer.valid_until == date(2026, 7, 15)
    member.refresh_from_db()
    # the sending branch stays responsible until receipt
    assert member.org_id == world.branch_a.id and member.status == MemberStatus.TRANSFERRING
    assert transfer in selectors.transfers_open(user=world.secretary_b)
    # the sender cannot confirm receipt for the receiver
    with pytest.raises(PermissionRefused):
        services.transfer_receive(actor=world.secretary_a, transfer=transfer)
    services.transfer_receive(actor=world.secretary_b, transfer=transfer)
    member.refresh_from_db()
    assert member.org_id == world.branch_b.id and member.org_path == world.branch_b.path
    assert member.area_path == world.grid_b.path and member.status == MemberStatus.NORMAL
    # a second confirmation is a conflict, the history stays
    with pytest.raises(ApplicationError):
        services.transfer_receive(actor=world.secretary_b, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED
    assert AuditEvent.objects.filter(action="party_transfer_receive").count() == 1
    # and the member is now out of the first secretary's scope
    assert not selectors.members_visible_to(world.secretary_a).filter(pk=member.pk).exists()


def test_expired_letters_are_listed(world, frozen):
    member = Member.objects.filter(org=world.branch_a).first()
    services.transfer_issue(actor=world.secretary_a, member=member, letter_no="L1",
                            outside_org="外省某支部", issued_on=date(2026, 4, 1))
    assert selectors.transfers_expired(user=world.staff_a).count() == 1
    assert selectors.transfers_expired(user=world.secretary_b).count() == 0


def test_the_health_page_lists_a_branch_below_three_full_members(world):
    Member.objects.filter(org=world.branch_b).filter(name="乙党员0").update(stage="probationary")
    found, bare = rules.health(PartyOrg.objects.all(), Area.objects.all())
    breaches = {h.name: h.breaches for h in found}
    assert "too_small" in breaches["乙网格党支部"]
    assert "too_small" not in breaches.get("甲网格党支部", [])
    assert world.grid_a not in list(bare) and len(bare) == 14
    client = Client()
    client.force_login(world.orgdept)
    page = client.get("/party/health/").content.decode()
    assert "乙网格党支部" in page and "正式党员不足" in page


def test_term_expiry_and_missing_secretary_are_breaches(world):
    PartyOrg.objects.filter(pk=world.branch_a.pk).update(term_started=date(2023, 8, 1), secretary_name="")
    found, _bare = rules.health(PartyOrg.objects.filter(pk=world.branch_a.pk), Area.objects.none())
    assert set(found[0].breaches) >= {"term_expiring", "no_secretary"}


def test_compliance_per_org_and_street(world):
    ids = list(Member.objects.filter(org=world.branch_a).values_list("id", flat=True))
    for month in (4, 5, 6):
        services.meeting_record(actor=world.staff_a, org=world.branch_a, kind="theme_day",
                                on=date(2026, month, 5), topic="主题党日")
    services.meeting_record(actor=world.staff_a, org=world.branch_a, kind="assembly",
                            on=date(2026, 5, 5), topic="大会", attendee_ids=ids)
    services.meeting_record(actor=world.staff_a, org=world.branch_a, kind="lecture",
                            on=date(2026, 5, 6), topic="党课")
    per_org, per_street, total = rules.compliance(
        PartyOrg.objects.all(), Meeting.objects.all(), date(2026, 4, 1), date(2026, 7, 1))
    assert per_org[world.branch_a.id][0] is True
    assert per_org[world.branch_b.id][0] is False
    assert (total.orgs, total.compliant, total.rate) == (2, 1, 50.0)
    assert per_street[world.street_a.path].rate == 100.0
    client = Client()
    client.force_login(world.orgdept)
    assert "乙网格党支部" in client.get("/party/compliance/").content.decode()


def _hold(world, kind, *days, org=None):
    ids = list(Member.objects.filter(org=org or world.branch_a).values_list("id", flat=True))
    for on in days:
        services.meeting_record(actor=world.staff_a, org=org or world.branch_a, kind=kind, on=on,
                                topic=kind, attendee_ids=ids)


def _keep_2025_quarters(world, skip_quarter=None):
    for q in range(4):
        if q == skip_quarter:
            continue
        first = 3 * q + 1
        _hold(world, "theme_day", *(date(2025, first + m, 5) for m in range(3)))
        _hold(world, "assembly", date(2025, first, 6))
        _hold(world, "lecture", date(2025, first, 7))


def test_a_year_needs_every_quarter_and_the_yearly_meetings(world):
    _keep_2025_quarters(world)
    year = (date(2025, 1, 1), date(2026, 1, 1))
    per_org, _streets, total = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(), *year, "year")
    met, detail = per_org[world.branch_a.id]
    assert not met and detail["life"] == (0, 1) and detail["appraisal"] == (0, 1)
    assert detail["assembly"] == (4, 4) and detail["theme_day"] == (12, 12)
    # a quarter's view never asks for the yearly kinds
    quarter, _s, _t = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(),
                                       date(2025, 4, 1), date(2025, 7, 1))
    assert quarter[world.branch_a.id][0] and "life" not in quarter[world.branch_a.id][1]
    _hold(world, "life", date(2025, 12, 15))
    _hold(world, "appraisal", date(2025, 12, 22))
    per_org, _streets, total = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(), *year, "year")
    assert per_org[world.branch_a.id][0] is True and total.compliant == 1


def test_a_surplus_in_one_quarter_does_not_cover_another(world):
    _keep_2025_quarters(world, skip_quarter=2)
    _hold(world, "assembly", date(2025, 1, 20), date(2025, 2, 20))  # Q1 holds three
    _hold(world, "life", date(2025, 12, 15))
    _hold(world, "appraisal", date(2025, 12, 22))
    per_org, _s, _t = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(),
                                       date(2025, 1, 1), date(2026, 1, 1), "year")
    met, detail = per_org[world.branch_a.id]
    assert not met and detail["assembly"] == (3, 4) and detail["theme_day"] == (9, 12)


def test_the_current_year_asks_only_for_the_quarters_begun(world, monkeypatch):
    monkeypatch.setattr(rules.clock, "today", lambda: date(2025, 5, 10))
    per_org, _s, _t = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(),
                                       date(2025, 1, 1), date(2026, 1, 1), "year")
    assert per_org[world.branch_a.id][1]["assembly"] == (0, 2)


def test_meeting_frequencies_are_configurable_and_checked(world, settings):
    settings.WANGGE_PARTY_MEETINGS = {"theme_day": 1, "appraisal": 0, "life": (2, "year")}
    frequencies = rules.meeting_frequencies()
    assert frequencies["theme_day"] == (1, "quarter") and frequencies["life"] == (2, "year")
    kinds = rules.required_kinds("branch", 0, "year")
    assert "appraisal" not in kinds and "life" in kinds
    settings.WANGGE_PARTY_MEETINGS = {"life": (1, "month")}
    with pytest.raises(ValueError, match="life"):
        rules.meeting_frequencies()


def test_lectures_twice_a_year_instead_of_quarterly(world, settings):
    settings.WANGGE_PARTY_MEETINGS = {"lecture": (2, "year")}
    _keep_2025_quarters(world)  # a lecture every quarter: four
    _hold(world, "life", date(2025, 12, 15))
    _hold(world, "appraisal", date(2025, 12, 22))
    year = (date(2025, 1, 1), date(2026, 1, 1))
    per_org, _s, _t = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(), *year, "year")
    assert per_org[world.branch_a.id][0] and per_org[world.branch_a.id][1]["lecture"] == (4, 2)
    quarter, _s, _t = rules.compliance(PartyOrg.objects.all(), Meeting.objects.all(),
                                       date(2025, 4, 1), date(2025, 7, 1))
    assert "lecture" not in quarter[world.branch_a.id][1]


def test_the_compliance_page_and_api_offer_the_year(world):
    _keep_2025_quarters(world)
    client = Client()
    client.force_login(world.orgdept)
    page = client.get("/party/compliance/?year=2025&quarter=year").content.decode()
    assert "2025" in page and "组织生活会 0/1" in page and "民主评议党员 0/1" in page
    assert "组织生活会" not in client.get("/party/compliance/?year=2025&quarter=2").content.decode()
    answer = client.get("/api/party/compliance?day=2025-06-01&period=year").json()
    assert (answer["period"], answer["start"], answer["end"]) == ("year", "2025-01-01", "2026-01-01")
    assert answer["orgs"] == 2 and answer["compliant"] == 0
    wrong = client.get("/api/party/compliance?period=month")
    assert wrong.status_code == 422 and "period" in wrong.content.decode()
