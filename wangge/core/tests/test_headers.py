"""Responses that may carry personal data are never stored by a browser or a proxy; every
page carries a Content-Security-Policy; production hides the API docs from anonymous users."""

import pytest
from django.test import override_settings

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.testing import make_household, make_resident, make_user


@pytest.fixture
def staff_client(client, city):
    community = Area.objects.filter(kind="community").first()
    client.force_login(make_user(Role.COMMUNITY_STAFF, community, username="staff1"))
    grid = Area.objects.filter(kind="grid", path__startswith=community.path).first()
    household = make_household(grid)
    return client, household, make_resident(household)


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


def test_every_response_to_a_signed_in_user_is_no_store(staff_client):
    client, household, resident = staff_client
    # when staff open pages, fragments, reveals, exports and the API about people
    for path in (
        "/",
        "/residents/",
        f"/residents/{resident.pk}/",
        f"/households/{household.pk}/",
        "/cases/",
        "/patrols/app/",
        "/api/people/residents",
        f"/api/people/residents/{resident.pk}",
        "/api/cases",
    ):
        response = client.get(path)
        # then none of it may be kept by the browser or a proxy
        assert response.status_code == 200, path
        assert _no_store(response), (path, response.get("Cache-Control"))
    reveal = client.post(f"/residents/{resident.pk}/reveal/id_number/")
    assert _no_store(reveal), reveal.get("Cache-Control")


def test_anonymous_api_answers_and_public_pages_are_no_store(client, db):
    for path in ("/login/", "/open311/v2/services.json", "/api/cases", "/cases/report/"):
        response = client.get(path)
        assert _no_store(response), (path, response.get("Cache-Control"))


def test_pages_carry_a_strict_content_security_policy(client, db):
    # when anyone opens a page
    policy = client.get("/login/")["Content-Security-Policy"]
    # then only the app's own scripts and styles run: nothing inline, nothing foreign
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_map_tiles_are_allowed_from_the_configured_tile_server_only(client, db):
    with override_settings(WANGGE_MAP_TILE_URL="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"):
        policy = client.get("/login/")["Content-Security-Policy"]
    img = next(p for p in policy.split(";") if p.strip().startswith("img-src")).split()
    assert "https://*.tiles.example.gov.cn" in img and "*" not in img


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_api_docs_are_for_signed_in_users_when_not_public(client, db, path):
    # given production's rule
    with override_settings(WANGGE_API_DOCS_PUBLIC=False):
        # when an anonymous caller asks, then there is nothing to read
        anonymous = client.get(path)
        assert anonymous.status_code in (302, 401)
        assert b"/api/people/residents" not in anonymous.content
        # and a signed-in user gets them
        client.force_login(make_user(username="reader"))
        assert client.get(path).status_code == 200


def test_production_keeps_the_api_docs_private():
    import os
    import subprocess
    import sys

    from config.env import BASE_DIR

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "DJANGO_SECRET_KEY": "k" * 60,
        "WANGGE_FIELD_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktMzItYnl0ZXMtMDA=",
        "WANGGE_BLIND_INDEX_KEY": "cHJvZHVjdGlvbi1ibGluZC1rZXktMzItYnl0ZXMtMDA=",
    }
    code = "from django.conf import settings; print(settings.WANGGE_API_DOCS_PUBLIC)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr
