"""Malformed input never makes the cases API answer 500."""

import json

import pytest
from django.test import Client

from wangge.cases.api import ACTION_ENDPOINTS
from wangge.testing.cases import CaseFactory

HUGE = 10**30
BODIES = [
    {},
    {"expected_version": HUGE},
    {"expected_version": -1, "handler_department": HUGE, "handler_area": -5},
    {"handler_department": "abc", "days": "x", "passed": "maybe"},
    {"reason": "x" * 5000, "note": None, "result": 12},
    {"days": HUGE, "reason": "ok"},
    {"handler_department": 987654, "reason": "r", "result": "r", "note": "n", "passed": False},
    {"reason": "nul\x00", "note": "\x00", "result": "a\x00b", "passed": True, "days": 2},
]


@pytest.mark.parametrize("segment", [segment for _, segment, _, _ in ACTION_ENDPOINTS])
def test_action_endpoints_refuse_bad_bodies_without_500(world, segment):
    # given
    case = CaseFactory.dispatched(world)
    client = Client()
    client.force_login(world.street_staff)
    # when
    statuses = set()
    for body in BODIES:
        response = client.post(
            f"/api/cases/{case.pk}/{segment}", json.dumps(body), content_type="application/json"
        )
        statuses.add(response.status_code)
    statuses.add(
        client.post(
            f"/api/cases/{case.pk}/{segment}", "not json", content_type="application/json"
        ).status_code
    )
    statuses.add(
        client.post(
            f"/api/cases/{HUGE}/{segment}", "{}", content_type="application/json"
        ).status_code
    )
    # then
    assert all(status < 500 for status in statuses), statuses


def test_reads_with_odd_parameters_never_500(world):
    # given
    client = Client()
    client.force_login(world.city_officer)
    urls = [
        f"/api/cases/{HUGE}",
        "/api/cases?category=-1&handler_department=99999999999999999999",
        "/api/cases?q=%00%27%22&page=999999",
        "/api/cases/kpi?period_start=2026-02-30&period_end=2026-03-01",
        "/api/cases/kpi?period_start=2026-03-01&period_end=2026-01-01",
        "/api/cases/kpi?period_start=2000-01-01&period_end=2026-01-01&group_by=grid",
        "/api/cases/track/" + "x" * 500,
        "/api/cases/track/abc%00def",
        f"/api/cases/{HUGE}/attachments/1",
    ]
    # when / then
    for url in urls:
        assert client.get(url).status_code < 500, url


def test_report_with_odd_bodies_never_500(world):
    # given
    client = Client()
    client.force_login(world.resident)
    bodies = [
        {"category_id": HUGE, "description": "x"},
        {"category_id": world.category.pk, "description": "x", "lat": 91, "lng": 0},
        {"category_id": world.category.pk, "description": "x", "grid_id": HUGE},
        {"category_id": world.category.pk, "description": "x", "grid_id": world.city.pk},
        {
            "category_id": world.category.pk,
            "description": "x",
            "reporter_phone": "abc",
            "lat": world.grid.min_lat + 0.001,
            "lng": world.grid.min_lng + 0.001,
        },
    ]
    # when / then
    for body in bodies:
        response = client.post("/api/cases", json.dumps(body), content_type="application/json")
        assert 400 <= response.status_code < 500, (body, response.status_code)
    nul = client.post(
        "/api/cases",
        json.dumps(
            {
                "category_id": world.category.pk,
                "description": "路灯\x00坏了",
                "address": "\x00",
                "lat": world.grid.min_lat + 0.001,
                "lng": world.grid.min_lng + 0.001,
            }
        ),
        content_type="application/json",
    )
    # a NUL byte is refused at the door (core.middleware), naming the first field holding one
    assert nul.status_code == 400
    assert nul.json()["detail"][0]["loc"] == ["body", "description"]
