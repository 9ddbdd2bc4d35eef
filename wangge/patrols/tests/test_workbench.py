"""The grid worker's workbench tiles (patrols/nav.py): households overdue and due today
in the worker's own grids, linking to the grid worker app."""

from datetime import date

from wangge.testing.patrols import household, visit


def _tiles(client, user) -> dict[str, tuple[int, str]]:
    client.force_login(user)
    return {tile.label: (tile.count, tile.url) for tile in client.get("/").context["tiles"]}


def test_a_worker_sees_visits_overdue_and_due_today_in_their_grids(client, world):
    # given worker A's households: one overdue, one due today; worker B's overdue one
    visit(household(world.g1, tags=("low_income",)), world.worker_a, date(2026, 5, 5))
    visit(household(world.g1, tags=("low_income",)), world.worker_a, date(2026, 5, 9))
    visit(household(world.g1, tags=("low_income",)), world.worker_a, date(2026, 5, 20))
    visit(household(world.g2, tags=("low_income",)), world.worker_b, date(2026, 5, 5))
    # when each worker opens the workbench
    tiles_a = _tiles(client, world.worker_a)
    tiles_b = _tiles(client, world.worker_b)
    # then each counts their own grids' households, linking to the worker app
    assert (tiles_a["走访已超期"], tiles_a["今日应走访"]) == ((1, "/patrols/app/"), (1, "/patrols/app/"))
    assert (tiles_b["走访已超期"][0], tiles_b["今日应走访"][0]) == (1, 0)


def test_staff_without_grids_get_no_visit_tiles(client, world):
    # given the community staff (supervises, does not visit)
    # when they open the workbench
    tiles = _tiles(client, world.staff)
    # then the grid worker's tiles are not among theirs
    assert "走访已超期" not in tiles
    assert "今日应走访" not in tiles
