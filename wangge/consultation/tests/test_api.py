"""The consultation API lists resolutions in the caller's scope only."""

from datetime import date

from wangge.consultation import services


def test_resolutions_api_is_scoped(client, world):
    services.resolution_create(actor=world.community_staff, community=world.community, title="修路灯",
                               owner="城管局", due_date=date(2026, 6, 1))
    services.resolution_create(actor=world.other_community_staff, community=world.other_community,
                               title="别处", owner="居委会", due_date=date(2026, 7, 1))
    client.force_login(world.community_staff)
    assert [r["title"] for r in client.get("/api/consultation/resolutions/").json()] == ["修路灯"]
    assert [r["title"] for r in client.get("/api/consultation/resolutions/?overdue=true").json()] == ["修路灯"]
    client.force_login(world.street_staff)
    assert len(client.get("/api/consultation/resolutions/").json()) == 2
    client.force_login(world.grid_worker)
    assert client.get("/api/consultation/resolutions/").status_code == 403
