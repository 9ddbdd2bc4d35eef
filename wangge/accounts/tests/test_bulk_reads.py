"""Bulk reads and reveals are limited and audited per user (issue 9 item 11)."""

from datetime import timedelta

import pytest
from django.test import override_settings

from wangge.accounts.models import Role
from wangge.accounts.ratelimit import counter_add, counter_value
from wangge.areas.models import Area, AreaKind
from wangge.audit.models import AuditEvent, Outcome
from wangge.core import clock
from wangge.testing import grids, make_household, make_resident, make_user


@pytest.fixture
def people(city):
    """45 residents in one street's grid, a street officer and a grid worker there."""
    grid = grids()[0]
    household = make_household(grid)
    residents = [make_resident(household, name=f"居民{i}") for i in range(45)]
    street = Area.objects.get(kind=AreaKind.STREET, path=grid.path[: len(grid.path) - 8])
    return {
        "grid": grid,
        "residents": residents,
        "officer": make_user(Role.STREET_STAFF, street, username="street1"),
        "worker": make_user(Role.GRID_WORKER, grid, username="worker1"),
    }


@override_settings(WANGGE_BULK_READ_ROWS_PER_HOUR=40)
def test_paging_through_residents_by_api_stops_at_the_hourly_budget(client, people):
    # given
    client.force_login(people["officer"])
    # when the officer pages through every resident
    answers = [client.get("/api/people/residents", {"page": page}) for page in (1, 2, 3)]
    # then two pages (40 rows) are served and the third is refused with a clear reason
    assert [a.status_code for a in answers] == [200, 200, 429]
    error = answers[2].json()["detail"][0]
    assert error["type"] == "rate_limited" and "本小时查阅的人员记录已达上限" in error["msg"]
    # and the bulk read is audited: when the budget was spent and when it refused
    events = AuditEvent.objects.filter(action="bulk_read", actor=people["officer"])
    assert [e.outcome for e in events.order_by("id")] == [Outcome.SUCCESS, Outcome.DENIED]


@override_settings(WANGGE_BULK_READ_ROWS_PER_HOUR=40)
def test_reading_residents_one_by_one_counts_too(client, people):
    # given a budget spent through pages and searches
    client.force_login(people["officer"])
    assert client.get("/residents/").status_code == 200
    assert client.get("/residents/", {"name": "居民", "page": 2}).status_code == 200
    # when the officer goes on through details by id, page and API
    first, second = people["residents"][:2]
    page = client.get(f"/residents/{first.pk}/")
    api = client.get(f"/api/people/residents/{second.pk}")
    # then both are refused, with the message on the page
    assert page.status_code == 429 and "已达上限" in page.content.decode()
    assert api.status_code == 429


@override_settings(WANGGE_BULK_READ_ROWS_PER_HOUR=40)
def test_the_budget_is_per_user_and_per_hour(client, people, monkeypatch):
    # given the officer's budget is spent
    counter_add("rows", people["officer"].pk, 40)
    client.force_login(people["officer"])
    assert client.get("/api/people/residents").status_code == 429
    # then the grid worker is not affected
    client.force_login(people["worker"])
    assert client.get("/api/people/residents").status_code == 200
    # and the next hour the officer reads again
    later = clock.now() + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert counter_value("rows", people["officer"].pk) == 0


@override_settings(WANGGE_BULK_READ_ROWS_PER_HOUR=40)
def test_htmx_rows_show_the_message_and_households_count_as_well(client, people):
    client.force_login(people["officer"])
    counter_add("rows", people["officer"].pk, 40)
    rows = client.get("/residents/", HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and "已达上限" in rows.content.decode()
    assert client.get("/households/").status_code == 429
    assert client.get("/api/people/households").status_code == 429


@override_settings(WANGGE_REVEALS_PER_HOUR=3)
def test_reveals_past_the_hourly_budget_are_refused_and_audited(client, people):
    # given
    client.force_login(people["worker"])
    resident = people["residents"][0]
    url = f"/api/people/residents/{resident.pk}/reveal"
    # when the worker reveals four times through the API and once through the page
    answers = [client.post(url, {"field": "id_number"}, content_type="application/json")
               for _ in range(4)]
    page = client.post(f"/residents/{resident.pk}/reveal/phone/")
    # then the fourth and fifth are refused
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "查看完整个人信息的次数已达上限" in answers[3].json()["detail"][0]["msg"]
    assert page.status_code == 429
    reveals = AuditEvent.objects.filter(action="reveal", actor=people["worker"])
    assert reveals.filter(outcome=Outcome.SUCCESS).count() == 3
    assert reveals.filter(outcome=Outcome.DENIED, detail__reason="rate_limited").count() == 2
