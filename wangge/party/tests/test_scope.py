"""Who reads party members: a secretary only their organisation subtree, party staff and
the organisation department by area, a grid worker nothing of the ledger — through pages,
the API, the admin and services; out of scope answers 404 and leaves an audit row."""

import pytest
from django.test import Client

from wangge.audit.models import AuditEvent
from wangge.core.errors import NotFoundOrForbidden
from wangge.party import selectors, services
from wangge.party.models import Member


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_secretary_sees_only_their_branch(world):
    names = set(selectors.members_visible_to(world.secretary_a).values_list("name", flat=True))
    assert names == {f"甲党员{k}" for k in range(4)}


def test_party_staff_see_their_street_and_orgdept_the_city(world):
    assert selectors.members_visible_to(world.staff_a).count() == 4
    assert selectors.members_visible_to(world.orgdept).count() == 7


def test_a_grid_worker_sees_no_member(world):
    assert selectors.members_visible_to(world.grid_worker).count() == 0
    client = client_of(world.grid_worker)
    other = Member.objects.filter(org=world.branch_a).first()
    for path in ("/party/", "/party/members/", f"/party/members/{other.id}/",
                 f"/party/orgs/{world.branch_a.id}/", "/party/health/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/party/members").status_code in (403, 404)


def test_a_secretary_cannot_read_another_branch_anywhere(world):
    client = client_of(world.secretary_a)
    other = Member.objects.filter(org=world.branch_b).first()
    before = AuditEvent.objects.filter(action="access_denied").count()
    for path in (f"/party/members/{other.id}/", f"/party/members/{other.id}/edit/",
                 f"/party/members/{other.id}/transfer/", f"/party/orgs/{world.branch_b.id}/",
                 f"/party/orgs/{world.branch_b.id}/meetings/new/",
                 f"/party/members/?org={world.branch_b.id}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/party/members/{other.id}/reveal/phone/").status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() > before
    # lists and the API carry only their own branch
    listing = client.get("/party/members/").content.decode()
    assert "甲党员0" in listing and "乙党员0" not in listing
    api = client.get("/api/party/members")
    assert api.status_code == 200
    assert {row["name"] for row in api.json()["items"]} == {f"甲党员{k}" for k in range(4)}
    assert client.get(f"/api/party/members{other.id}/").status_code == 404
    # the admin lists no party member for a secretary
    assert client.get("/admin/party/member/").status_code in (302, 403, 404)
    # services refuse too
    with pytest.raises(NotFoundOrForbidden):
        services.member_update(actor=world.secretary_a, member=other, version=0, post="委员")
    with pytest.raises(NotFoundOrForbidden):
        services.meeting_record(actor=world.secretary_a, org=world.branch_b, kind="assembly",
                                on=world.branch_b.term_started, topic="x")


def test_reveal_is_audited_and_masked_by_default(world):
    member = Member.objects.filter(org=world.branch_a).first()
    member.set_phone("13812345678")
    member.save()
    client = client_of(world.secretary_a)
    page = client.get(f"/party/members/{member.id}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page
    response = client.post(f"/party/members/{member.id}/reveal/phone/")
    assert "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="party_member_reveal", object_id=str(member.id)).exists()


def test_grid_worker_sees_central_household_contact_only_in_their_grid(world):
    from datetime import date

    from wangge.core import crypto
    from wangge.party.models import CentralHousehold
    from wangge.people.models import Household

    member = Member.objects.filter(org=world.branch_a).first()
    household = Household.objects.create(grid=world.grid_a, area_path=world.grid_a.path, code="H1", address="一号楼")
    CentralHousehold.objects.create(member=member, household=household, area_path=world.grid_a.path,
                                    contact_enc=crypto.encrypt("13900001111"), since=date(2026, 1, 1))
    page = client_of(world.grid_worker).get("/party/central/").content.decode()
    assert "13900001111" in page and member.name in page
    assert "13900001111" not in client_of(world.secretary_b).get("/party/central/").content.decode()
