"""The public report limit counts anonymous reports from the public page only, per real
client IP: a busy office (staff API, Open311 clients) behind the same address does not use
up the residents' allowance."""

import json

import pytest
from django.test import Client

from wangge.cases.models import Case
from wangge.testing.cases import anonymous_report_form, grid_point

LIMIT_TEXT = "提交过于频繁，请稍后再试"
API_KEY = "office-open311-key"


@pytest.fixture
def limited(settings):
    settings.WANGGE_CASE_REPORTS_PER_HOUR = 2
    settings.WANGGE_OPEN311_API_KEYS = [API_KEY]


def page_report(world, client: Client, **headers):
    return client.post("/cases/report/", anonymous_report_form(world), **headers)


def api_report(world, client: Client):
    lat, lng = grid_point(world.grid)
    body = {"category_id": world.category.pk, "description": "路灯不亮", "lat": lat, "lng": lng}
    return client.post("/api/cases", json.dumps(body), content_type="application/json")


def open311_report(world, client: Client):
    lat, lng = grid_point(world.grid)
    data = {"api_key": API_KEY, "service_code": "C0103", "lat": str(lat), "long": str(lng)}
    return client.post("/open311/v2/requests.json", data)


def test_staff_api_and_open311_reports_do_not_use_up_the_public_allowance(world, limited):
    # given an office that reported through the API and an Open311 client, same address
    staff = Client()
    staff.force_login(world.grid_worker)
    for _ in range(3):
        assert api_report(world, staff).status_code == 201
        assert open311_report(world, Client()).status_code == 200
    # when a resident behind that address reports on the public page
    response = page_report(world, Client())
    # then it is accepted
    assert response.status_code == 302
    assert Case.objects.count() == 7


def test_signed_in_staff_on_the_report_page_are_not_limited(world, limited):
    # given a grid worker reporting through the report page
    staff = Client()
    staff.force_login(world.grid_worker)
    for _ in range(3):
        assert page_report(world, staff).status_code == 302
    # then residents without an account still have their allowance
    assert page_report(world, Client()).status_code == 302


def test_anonymous_public_reports_are_limited_per_real_client_ip(world, limited, settings):
    # given the documented reverse proxy on the same machine
    settings.WANGGE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.WANGGE_TRUSTED_PROXIES = ["127.0.0.1"]
    first = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    for _ in range(2):
        assert page_report(world, Client(), **first).status_code == 302
    # when the first client reports again, and another client behind the proxy reports
    refused = page_report(world, Client(), **first)
    accepted = page_report(world, Client(), **second)
    # then only the first client is held back
    assert refused.status_code == 400 and LIMIT_TEXT in refused.content.decode()
    assert accepted.status_code == 302
    # and a client cannot escape the limit by writing its own header entry
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 198.51.100.1"}
    assert page_report(world, Client(), **forged).status_code == 400
