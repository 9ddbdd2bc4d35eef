"""The example domain reaches the shell through its own modules only (issue 11): its
menu entry, workbench tile and public link (nav.py), its API router (api.py) and its
pages (AppConfig.urls) show up although no shared file names it."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from tests.exampledomain.models import Bench
from wangge.accounts.models import Role
from wangge.api.main import api
from wangge.areas.models import Area
from wangge.testing import build_city, grids, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world():
    build_city(districts=1, streets=1, communities=2, grids=1)
    mine, theirs = grids()
    community = Area.objects.get_parent(mine)
    for grid, name, broken in ((mine, "东门长椅", True), (mine, "西门长椅", False),
                               (theirs, "别处长椅", True)):
        Bench.objects.create(grid=grid, area_path=grid.path, name=name, broken=broken)
    return make_user(Role.COMMUNITY_STAFF, community, username="staff")


def test_no_shared_file_names_the_example_domain():
    # given every file of the project outside the example itself and the test settings
    shared = [p for folder in ("wangge", "config") for p in (ROOT / folder).rglob("*.py")
              if p.name != "test.py"]
    # then none of them names it
    assert [p for p in shared if "exampledomain" in p.read_text(encoding="utf-8")] == []


def test_its_menu_entry_shows_for_the_roles_it_allows(client, world):
    # given a community worker (registry reader) and a resident
    client.force_login(world)
    # when the worker opens the workbench
    nav = client.get("/").context["nav_items"]
    # then the example's entry is in the menu, after the built-in ones (order 95)
    assert {"label": "长椅", "url": "/benches/", "active": False} in nav
    labels = [item["label"] for item in nav]
    assert labels.index("长椅") == labels.index("巡查走访") + 1
    resident = make_user(Role.RESIDENT, world.role_assignments.get().area, username="resident")
    client.force_login(resident)
    assert "长椅" not in [item["label"] for item in client.get("/").context["nav_items"]]


def test_its_pages_are_in_the_urlconf(client, world):
    # given the worker signed in
    client.force_login(world)
    # when they open the example's page by its URL name
    response = client.get(reverse("exampledomain:bench_list"))
    # then it answers at its AppConfig prefix, scoped to their areas
    assert reverse("exampledomain:bench_list") == "/benches/"
    assert response.content.decode() == "长椅：东门长椅、西门长椅"


def test_its_router_is_in_the_openapi_document_and_answers_in_scope(client, world):
    # when the OpenAPI document is built
    schema = api.get_openapi_schema(path_prefix="/api/")
    # then the example's operation is in it, under its API_PREFIX
    assert schema["paths"]["/api/benches/"]["get"]["summary"] == "我范围内的长椅"
    # and it lists the benches in the caller's areas only
    client.force_login(world)
    response = client.get("/api/benches/")
    assert response.status_code == 200
    assert [row["name"] for row in json.loads(response.content)] == ["东门长椅", "西门长椅"]


def test_its_tile_is_on_the_workbench_with_the_count_in_scope(client, world):
    # given one broken bench in the worker's grid and one outside it
    client.force_login(world)
    # when the worker opens the workbench
    tiles = {tile.label: tile for tile in client.get("/").context["tiles"]}
    # then the example's tile counts the broken bench in scope, linking to its page
    assert tiles["待修长椅"].count == 1
    assert tiles["待修长椅"].url == "/benches/?broken=1"


def test_its_public_link_and_audit_label_are_collected(client, world):
    # when a visitor opens the front door
    links = client.get("/").context["links"]
    # then the example's public entry is there too
    assert {"label": "长椅报修", "url": "/benches/report/", "description": "公园长椅坏了告诉我们"} in links
    # and its audit action reads in words
    from wangge.audit.labels import action_label

    assert action_label("bench_fix") == "修好长椅"
