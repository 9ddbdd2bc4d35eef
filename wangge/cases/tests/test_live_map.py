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
    point = data["features"][0]
    assert point["properties"]["url"] == f"/cases/{mine.pk}/"
    assert point["geometry"]["coordinates"] == [mine.lng, mine.lat]
    assert point["properties"]["status_label"] == "已派遣"
    assert point["properties"]["category"] == mine.category.name
    assert (data["total"], point["properties"]["overdue"]) == (1, False)
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


def test_a_case_past_its_deadline_is_marked_overdue_unless_paused(client, world):
    from datetime import timedelta

    from wangge.core import clock

    late = CaseFactory.dispatched(world)
    paused = CaseFactory.dispatched(world)
    past = clock.now() - timedelta(hours=1)
    type(late).objects.filter(pk=late.pk).update(resolve_due_at=past)
    type(paused).objects.filter(pk=paused.pk).update(resolve_due_at=past, paused_at=past)
    client.force_login(world.community_staff)

    data = client.get(reverse("cases:live_map_data")).json()

    marks = {f["properties"]["number"]: f["properties"]["overdue"] for f in data["features"]}
    assert marks == {late.number: True, paused.number: False}
    assert (data["total"], data["overdue"]) == (2, 1)
