"""The live map of open cases: scoped points, refused to roles without a dashboard."""

from django.urls import reverse

from wangge.cases.tests.factories import CaseFactory


def test_open_cases_in_scope_only(client, world):
    mine = CaseFactory.dispatched(world)
    CaseFactory.closed(world)
    elsewhere = CaseFactory.reported(world, grid=world.other_grid)
    client.force_login(world.community_staff)
    data = client.get(reverse("cases:live_map_data")).json()
    assert [f["properties"]["number"] for f in data["features"]] == [mine.number]
    assert data["features"][0]["properties"]["url"] == f"/cases/{mine.pk}/"
    assert "reporter" not in str(data)
    client.force_login(world.district_officer)
    numbers = {
        f["properties"]["number"]
        for f in client.get(reverse("cases:live_map_data")).json()["features"]
    }
    assert elsewhere.number not in numbers and mine.number in numbers


def test_handlers_and_residents_get_404(client, world):
    for user in (world.handler, world.resident, world.grid_worker):
        client.force_login(user)
        assert client.get(reverse("cases:live_map_data")).status_code == 404
        assert client.get(reverse("cases:live_map")).status_code == 404


def test_page_draws_from_the_json(client, world):
    client.force_login(world.street_staff)
    page = client.get(reverse("cases:live_map")).content.decode()
    assert "/static/cases/live-map.js" in page and "/cases/live-map.json" in page
