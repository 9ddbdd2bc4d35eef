"""The party API: reads masked and scoped, a meeting recorded once per client key."""

import json

import pytest
from django.test import Client

from wangge.party.models import Meeting, Member


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.WANGGE_OTP_REQUIRED_ROLES = []


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_secretary_records_a_meeting_through_the_api(world):
    client = client_of(world.secretary_a)
    ids = list(Member.objects.filter(org=world.branch_a).values_list("id", flat=True))
    body = {"org_id": world.branch_a.id, "kind": "assembly", "date": "2026-06-10", "topic": "大会",
            "attendee_ids": ids[:3], "client_key": "phone-1"}
    first = post(client, "/api/party/meetings", body)
    again = post(client, "/api/party/meetings", body)
    assert first.status_code == 201 and first.json()["valid"] is True
    assert again.json()["id"] == first.json()["id"] and Meeting.objects.count() == 1
    other = {**body, "org_id": world.branch_b.id, "client_key": "phone-2"}
    assert post(client, "/api/party/meetings", other).status_code == 404
    assert Meeting.objects.count() == 1


def test_reads_are_scoped_and_masked(world):
    member = Member.objects.filter(org=world.branch_a).first()
    member.set_phone("13812345678")
    member.save()
    client = client_of(world.orgdept)
    rows = client.get("/api/party/members").json()["items"]
    assert len(rows) == 7 and "138****5678" in {row["phone"] for row in rows}
    assert client.get("/api/party/orgs").json()["count"] == 5
    assert client.get("/api/party/compliance").json()["orgs"] == 2
    assert client_of(world.grid_worker).get("/api/party/orgs").status_code == 403
