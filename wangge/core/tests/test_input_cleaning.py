"""Bad input is refused in words, never with a 500 (issue 9, item 6): NUL bytes wherever
text comes in, huge page numbers, bodies over the limit, dates outside what the database
and date arithmetic can hold. Each request is its own test, so a PostgreSQL error in one
cannot hide behind another."""

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from wangge.testing import build_city, make_household, make_resident
from wangge.testing.cases import CaseFactory
from wangge.testing.worlds import build_world

pytestmark = pytest.mark.django_db

HUGE_PAGE = "1" + "0" * 30
API_KEY = "test-open311-key"


@pytest.fixture
def world(settings):
    settings.WANGGE_OPEN311_API_KEYS = [API_KEY]
    world = build_world(build_city())
    world.case = CaseFactory.accepted(world)
    world.household = make_household(world.grid)
    world.person = make_resident(world.household)
    return world


def _client(world, who: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if who:
        client.force_login(world.user(who))
    return client


def _nul_detail(response, loc: list[str]):
    assert response.status_code == 400, response.content[:300]
    detail = response.json()["detail"]
    assert detail[0]["loc"] == loc and "空字符" in detail[0]["msg"]


# --------------------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize(
    "url, loc",
    [
        ("/api/people/residents?name=a%00b", ["query", "name"]),
        ("/api/people/households?q=%00", ["query", "q"]),
        ("/api/cases?q=%00", ["query", "q"]),
        ("/api/cases/track/ab%00cd", ["path"]),
        ("/api/areas/locate?lat=1&lng=2&system=wgs%00", ["query", "system"]),
    ],
)
def test_api_query_and_path_with_nul_is_a_field_level_400(world, url, loc):
    # when a signed-in user's query carries a NUL byte
    response = _client(world, "city_officer").get(url)
    # then the API names the parameter instead of failing in the database
    _nul_detail(response, loc)


@pytest.mark.parametrize(
    "url",
    ["/residents/?name=a%00b", "/households/?q=a%00", "/cases/?q=%00", "/audit/?username=%00"],
)
def test_pages_with_nul_in_the_query_answer_400_in_words(world, url):
    response = _client(world, "city_officer").get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_json_field_with_nul_is_named_in_the_answer(world):
    # given a report whose description carries an escaped NUL
    body = {"category_id": world.category.pk, "description": "路灯\u0000不亮"}
    # when it is posted
    response = _client(world, "resident").post(
        "/api/cases", json.dumps(body), content_type="application/json"
    )
    # then the field is named
    _nul_detail(response, ["body", "description"])


def test_nested_json_field_with_nul_is_named(world):
    body = {"client_ref": "r1", "points": [{"lat": 1, "lng": 2, "at": "x\u0000"}]}
    response = _client(world, "grid_worker").post(
        "/api/patrols/patrols/end", json.dumps(body), content_type="application/json"
    )
    _nul_detail(response, ["body", "points", "0", "at"])


def test_idempotency_key_with_nul_is_refused(world):
    body = {"category_id": world.category.pk, "description": "路灯不亮"}
    response = _client(world, "resident").post(
        "/api/cases",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "a\x00b"},
    )
    _nul_detail(response, ["header", "Idempotency-Key"])


def test_session_cookie_with_nul_is_refused_before_the_session_is_read(world):
    client = Client(raise_request_exception=False)
    # an octal escape in a quoted cookie value unquotes to NUL
    response = client.get("/api/people/residents", headers={"Cookie": 'sessionid="ab\\000cd"'})
    _nul_detail(response, ["cookie", "sessionid"])


def test_page_form_field_with_nul_is_refused_in_words(world):
    # given a grid worker editing a resident (a CSRF-checked page form)
    client = _client(world, "community_staff")
    # when a field carries a NUL byte
    response = client.post(
        f"/households/{world.household.pk}/residents/new/",
        {"name": "张\x00三", "gender": "male", "doc_type": "id_card", "id_number": "x"},
    )
    # then a 400 page says what is wrong
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_api_multipart_field_with_nul_is_named(world):
    response = _client(world, "community_staff").post(
        f"/api/cases/{world.case.pk}/attachments",
        {"kind": "report\x00", "file": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 64)},
    )
    _nul_detail(response, ["form", "kind"])


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/requests.json?service_code=a%00b",
        "/open311/v2/requests.json?service_request_id=a%00b",
        "/open311/v2/requests.json?status=open%00",
        "/open311/v2/services/C01%00.json",
        "/open311/v2/tokens/ab%00.json",
    ],
)
def test_open311_reads_with_nul_answer_the_spec_error_list(world, url):
    # when anyone (no login) sends a NUL byte
    response = Client(raise_request_exception=False).get(url)
    # then the GeoReport error list says so, naming the parameter where there is one
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "空字符" in error["description"]


def test_open311_post_field_with_nul_answers_in_xml_when_asked_in_xml(world):
    response = Client(raise_request_exception=False).post(
        "/open311/v2/requests.xml",
        {"api_key": API_KEY, "service_code": "C0103\x00", "lat": "40.505", "long": "109.805"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "<errors>" in text and "service_code：" in text and "空字符" in text


# --------------------------------------------------------------------------- huge numbers


@pytest.mark.parametrize("url", ["/api/people/residents", "/api/people/households", "/api/cases"])
def test_api_page_beyond_any_list_is_a_422_not_an_overflow(world, url):
    response = _client(world, "city_officer").get(url, {"page": HUGE_PAGE})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "page"


@pytest.mark.parametrize(
    "url",
    [
        f"/residents/?page={HUGE_PAGE}",
        f"/households/?page={HUGE_PAGE}",
        f"/cases/?page={HUGE_PAGE}",
        f"/audit/?page={HUGE_PAGE}",
        "/residents/?page=%C2%B2",
        f"/patrols/overdue/?grid={HUGE_PAGE}&page={HUGE_PAGE}",
        "/patrols/overdue/?grid=%C2%B2",
    ],
)
def test_pages_with_odd_page_numbers_show_a_page(world, url):
    response = _client(world, "city_officer").get(url)
    assert response.status_code in (200, 404), url


# --------------------------------------------------------------------------- body size


def test_json_body_over_the_limit_is_413_in_json(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"category_id": world.category.pk, "description": "x" * 20_000}
    response = _client(world, "resident").post(
        "/api/cases", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["detail"][0]["type"] == "too_large"
    assert "上限" in response.json()["detail"][0]["msg"]


def test_upload_over_the_limit_is_413_before_it_is_read(world, settings):
    settings.WANGGE_UPLOAD_MAX_BYTES = 10_000
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 20_000)
    response = _client(world, "community_staff").post(
        f"/api/cases/{world.case.pk}/attachments", {"kind": "report", "file": photo}
    )
    assert response.status_code == 413
    assert "上限" in response.json()["detail"][0]["msg"]


def test_open311_post_over_the_limit_is_413_in_the_spec_format(world, settings):
    settings.WANGGE_UPLOAD_MAX_BYTES = 10_000
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 20_000)
    response = Client(raise_request_exception=False).post(
        "/open311/v2/requests.json", {"api_key": API_KEY, "service_code": "C0103", "media": photo}
    )
    assert response.status_code == 413
    assert "上限" in response.json()[0]["description"]


def test_page_form_over_the_limit_is_413_in_words(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _client(world, "community_staff").post(
        "/cases/report/", {"description": "x" * 20_000}
    )
    assert response.status_code == 413
    assert "上限" in response.content.decode()


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "query",
    [
        "start_date=0001-01-01",
        "start_date=0001-01-01T00:00:00%2B08:00",
        "end_date=0001-01-02",
        "start_date=9999-12-31",
        "end_date=9999-12-31T23:59:59-12:00",
        "start_date=2024-02-30",
        "start_date=2024-02-28T25:00:00",
    ],
)
def test_open311_dates_out_of_range_are_400_errors(world, query):
    response = Client(raise_request_exception=False).get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400, response.content
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize(
    "query",
    [
        "period_start=0001-01-01&period_end=0001-02-01",
        "period_start=9999-12-01&period_end=9999-12-31",
    ],
)
def test_kpi_dates_out_of_range_are_422(world, query):
    response = _client(world, "city_officer").get(f"/api/cases/kpi?{query}")
    assert response.status_code == 422
    assert "日期须在" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31"])
def test_audit_page_refuses_dates_out_of_range(world, query):
    from wangge.accounts.models import Role
    from wangge.testing import make_user

    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.AUDIT_ADMIN, world.city))
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert "日期须在" in response.content.decode()


def plain_refusal(request, refusal):
    """An app's own answer to refused input (see the next test)."""
    return HttpResponse(f"refused {refusal.loc}", status=refusal.status)


def test_an_app_declares_how_refusals_under_its_paths_are_answered(db, monkeypatch):
    # given an installed app that declares a format for its own paths on its AppConfig
    config = apps.get_app_config("core")
    answer = "wangge.core.tests.test_input_cleaning.plain_refusal"
    monkeypatch.setattr(config, "input_refusal_formats", [("/benches/", answer)], raising=False)
    # when a request under that path carries a NUL in its query
    response = Client().get("/benches/list?name=a%00b")
    # then the middleware answers in the app's words, not with the page in words
    assert response.status_code == 400
    assert response.content == b"refused ['query', 'name']"
    # and a path outside it still gets the page in words
    other = Client().get("/benchesX/list?name=a%00b")
    assert other.status_code == 400
    assert b"refused" not in other.content
