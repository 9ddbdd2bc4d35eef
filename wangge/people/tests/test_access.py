"""Pages, API and admin answer 404 out of scope; protected fields are masked and
revealed only with permission, and every reveal is audited."""

import pytest
from django.db import connection

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent
from wangge.testing import grids, make_household, make_resident, make_user

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def two_grids(city):
    first, second = grids()[0], grids()[-1]
    mine = make_resident(make_household(first), name="甲", id_number=ID_NUMBER, phone=PHONE)
    theirs = make_resident(make_household(second), name="乙")
    worker = make_user(Role.GRID_WORKER, first, username="worker1")
    return {"worker": worker, "mine": mine, "theirs": theirs, "first": first, "second": second}


def test_raw_select_on_residents_holds_no_plaintext(two_grids):
    # when we read the table the way a database dump would
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident")
        rows = cursor.fetchall()
    dump = repr(rows)
    # then neither the ID number nor the phone appears in any form we know
    assert ID_NUMBER not in dump and ID_NUMBER.lower() not in dump
    assert PHONE not in dump
    assert "1949123" not in dump


def test_pages_mask_and_hide_other_grids(client, two_grids):
    client.force_login(two_grids["worker"])
    # when the worker lists residents
    page = client.get("/residents/").content.decode()
    # then only their grid's resident is there, masked
    assert "甲" in page and "乙" not in page
    assert "110***********002X" in page and ID_NUMBER not in page
    assert "138****5678" in page and PHONE not in page
    # and another grid's resident answers 404 on every page and action
    other = two_grids["theirs"].id
    assert client.get(f"/residents/{other}/").status_code == 404
    assert client.post(f"/residents/{other}/reveal/id_number/").status_code == 404


def test_api_is_scoped_and_masked(client, two_grids):
    client.force_login(two_grids["worker"])
    listing = client.get("/api/people/residents").json()
    assert [item["name"] for item in listing["items"]] == ["甲"]
    assert listing["items"][0]["id_number"] == "110***********002X"
    assert listing["items"][0]["phone"] == "138****5678"
    assert client.get(f"/api/people/residents/{two_grids['theirs'].id}").status_code == 404
    found = client.get("/api/people/residents", {"id_number": ID_NUMBER.lower()}).json()
    assert found["count"] == 1
    assert (
        client.get("/api/people/residents", {"id_number": "11010519491231003"}).json()["count"] == 0
    )


def test_admin_is_scoped_like_the_pages(client, two_grids):
    # given grid workers have no back office: their registry work is on the pages
    client.force_login(two_grids["worker"])
    assert client.get("/admin/people/resident/").status_code == 302
    # when the street staff of the first grid's street look
    street = Area.objects.get(kind="street", path=two_grids["first"].path[: 3 * Area.steplen])
    client.force_login(make_user(Role.STREET_STAFF, street, username="street1"))
    changelist = client.get("/admin/people/resident/")
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert "甲" in body and "乙" not in body and ID_NUMBER not in body
    other = two_grids["theirs"].id
    assert client.get(f"/admin/people/resident/{other}/change/").status_code in (302, 404)
    assert (
        "乙"
        not in client.get(f"/admin/people/resident/{other}/change/", follow=True).content.decode()
    )


def test_reveal_writes_an_audit_row(client, two_grids):
    client.force_login(two_grids["worker"])
    resident = two_grids["mine"]
    # when the worker reveals the full ID number
    response = client.post(f"/residents/{resident.id}/reveal/id_number/")
    # then they see it and an audit row records who saw which field of whom
    assert response.status_code == 200 and ID_NUMBER in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor_username == "worker1" and event.outcome == "success"
    assert event.object_id == str(resident.id) and event.detail == {"field": "id_number"}
    assert ID_NUMBER not in repr(event.detail)


def test_reveal_through_api_is_audited_too(client, two_grids):
    client.force_login(two_grids["worker"])
    resident = two_grids["mine"]
    response = client.post(
        f"/api/people/residents/{resident.id}/reveal",
        {"field": "phone"},
        content_type="application/json",
    )
    assert response.json() == {"field": "phone", "value": PHONE}
    assert AuditEvent.objects.filter(action="reveal", outcome="success").count() == 1


def test_reveal_is_refused_without_permission(client, two_grids):
    # given a district officer: may read the registry (masked) but not reveal
    from wangge.areas.models import Area

    district = Area.objects.get(path=two_grids["first"].path[:8])
    officer = make_user(Role.DISTRICT_OFFICER, district, username="officer")
    client.force_login(officer)
    resident = two_grids["mine"]
    assert client.get(f"/residents/{resident.id}/").status_code == 200
    # when they try to reveal
    response = client.post(f"/residents/{resident.id}/reveal/id_number/")
    api = client.post(
        f"/api/people/residents/{resident.id}/reveal",
        {"field": "id_number"},
        content_type="application/json",
    )
    # then both refuse, nothing is shown, and the denials are audited
    assert response.status_code == 403 and ID_NUMBER not in response.content.decode()
    assert api.status_code == 403 and ID_NUMBER not in api.content.decode()
    assert AuditEvent.objects.filter(action="reveal", outcome="denied").count() == 2
    assert not AuditEvent.objects.filter(action="reveal", outcome="success").exists()


def test_anonymous_users_are_sent_to_login(client, two_grids):
    assert client.get("/residents/").status_code == 302
    assert client.get("/api/people/residents").status_code == 401
