"""Every party page renders for party staff; edits are versioned; 双报到 hours are confirmed
once by the community."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.party import services
from wangge.party.models import (
    Alliance,
    CommunityProfile,
    CommunityWorker,
    DualRegistration,
    Member,
    ServiceHours,
)

PAGES = ["/party/", "/party/orgs/", "/party/members/", "/party/transfers/", "/party/meetings/",
         "/party/health/", "/party/compliance/", "/party/mobile/", "/party/mobile/?show=no_life",
         "/party/mobile/?show=probation", "/party/dual/", "/party/communities/", "/party/alliances/",
         "/party/central/"]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _community_rows(world):
    member = Member.objects.filter(org=world.branch_a).first()
    community = world.grid_a.__class__.objects.get(path=world.grid_a.path[:16])
    Member.objects.filter(pk=member.pk).update(in_service=True, residence=community)
    registration = DualRegistration.objects.create(member=member, community=community, area_path=community.path,
                                                   registered_on=date(2026, 3, 1))
    hours = ServiceHours.objects.create(registration=registration, date=date(2026, 5, 1), hours=Decimal("2.0"))
    CommunityProfile.objects.create(community=community, area_path=community.path, secretary_is_director=True)
    CommunityWorker.objects.create(community=community, area_path=community.path, name="王五", post="党建专干")
    alliance = Alliance.objects.create(name="甲街道党建联盟", area=world.street_a, area_path=world.street_a.path)
    alliance.orgs.set([world.branch_a, world.branch_b])
    return hours


def test_every_party_page_renders_for_party_staff(world):
    _community_rows(world)
    client = client_of(world.staff_a)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    member = Member.objects.filter(org=world.branch_a).first()
    for path in (f"/party/orgs/{world.branch_a.id}/", f"/party/members/{member.id}/",
                 f"/party/members/{member.id}/edit/", f"/party/members/{member.id}/transfer/",
                 f"/party/members/new/?org={world.branch_a.id}", f"/party/members/{member.id}/flow/"):
        assert client.get(path).status_code == 200, path
    assert "甲街道党建联盟" in client.get("/party/alliances/").content.decode()
    assert "乙街道" not in client.get("/party/communities/").content.decode()


def test_a_grid_worker_reaches_only_the_central_page(world):
    client = client_of(world.grid_worker)
    for path in PAGES[:-1]:
        assert client.get(path).status_code == 404, path
    assert client.get("/party/central/").status_code == 200


def test_hours_are_confirmed_once_and_only_in_scope(world):
    hours = _community_rows(world)
    with pytest.raises(NotFoundOrForbidden):
        services.hours_confirm(actor=world.secretary_b, hours_id=hours.id)
    services.hours_confirm(actor=world.staff_a, hours_id=hours.id)
    with pytest.raises(ApplicationError):
        services.hours_confirm(actor=world.staff_a, hours_id=hours.id)
    hours.refresh_from_db()
    assert hours.confirmed and hours.confirmed_by == world.staff_a


def test_a_stale_edit_is_refused_with_a_conflict(world):
    member = Member.objects.filter(org=world.branch_a).first()
    services.member_update(actor=world.secretary_a, member=member, version=0, post="组织委员")
    with pytest.raises(ApplicationError) as refused:
        services.member_update(actor=world.staff_a, member=member, version=0, post="宣传委员")
    assert refused.value.code == "conflict"
    member.refresh_from_db()
    assert (member.post, member.version) == ("组织委员", 1)


def test_the_member_form_saves_with_field_errors_in_chinese(world):
    client = client_of(world.secretary_a)
    response = client.post(f"/party/members/new/?org={world.branch_a.id}", {
        "name": "新人", "admitted_on": "2026-01-01", "stage": "probationary", "status": "normal"})
    assert "预备党员须填写预备期满日期" in response.content.decode()
    response = client.post(f"/party/members/new/?org={world.branch_a.id}", {
        "name": "新人", "admitted_on": "2026-01-01", "stage": "probationary", "status": "normal",
        "probation_ends": "2027-01-01", "phone": "13811112222"})
    assert response.status_code == 302
    created = Member.objects.get(name="新人")
    assert created.org_id == world.branch_a.id and created.phone_masked == "138****2222"


def test_a_flow_out_is_recorded_and_listed_until_contacted(world):
    member = Member.objects.filter(org=world.branch_a).first()
    client = client_of(world.secretary_a)
    response = client.post(f"/party/members/{member.id}/flow/", {
        "destination": "北京市", "since": "2025-01-10", "contact": "13700001111"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "flowed_out"
    page = client.get("/party/mobile/").content.decode()
    assert member.name in page and "13700001111" not in page
    flow = member.flows.get()
    client.post(f"/party/mobile/{flow.id}/contact/", {"date": "2026-06-01"})
    flow.refresh_from_db()
    assert flow.last_contact_on == date(2026, 6, 1)
    assert member.name not in client.get("/party/mobile/").content.decode()
