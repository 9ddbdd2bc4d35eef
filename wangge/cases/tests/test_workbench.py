"""The closed loop's workbench tiles (cases/nav.py): per role, what waits for the user in
their own units and areas, counted in one query, each tile linking to the filtered list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.cases.models import Case
from wangge.cases.selectors import case_list_visible_to, case_workbench_counts
from wangge.cases.tests.factories import CaseFactory
from wangge.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    """One case in each waiting state in the world's grid, one more outside the district."""
    made = {state: CaseFactory.build(world, state)
            for state in ("reported", "accepted", "dispatched", "in_progress", "resolved")}
    CaseFactory.reported(world, grid=world.other_grid)
    now = clock.now()
    Case.objects.filter(pk=made["in_progress"].pk).update(resolve_due_at=now - timedelta(hours=1))
    Case.objects.filter(pk=made["dispatched"].pk).update(resolve_due_at=now + timedelta(hours=2))
    return made


def _tiles(client, user) -> dict[str, tuple[int, str]]:
    client.force_login(user)
    tiles = client.get("/").context["tiles"]
    return {tile.label: (tile.count, tile.url) for tile in tiles}


CASE_TILES = ("待立案", "待派遣", "待签收", "待办结", "待核查", "已超期", "即将到期", "吹哨待报到")


@pytest.mark.parametrize(("who", "expected"), [
    ("community_staff", {"待立案": 1, "待派遣": 1, "待签收": 0, "待办结": 0, "待核查": 1,
                         "已超期": 1, "即将到期": 1}),
    ("street_staff", {"待立案": 1, "待派遣": 1, "待签收": 0, "待办结": 0, "待核查": 1,
                      "已超期": 1, "即将到期": 1}),
    ("grid_worker", {"待签收": 0, "待办结": 0, "待核查": 1, "已超期": 1, "即将到期": 1}),
    ("handler", {"待签收": 1, "待办结": 1, "已超期": 1, "即将到期": 1, "吹哨待报到": 0}),
    ("other_community_staff", {"待立案": 0, "待派遣": 0, "待签收": 0, "待办结": 0, "待核查": 0,
                               "已超期": 0, "即将到期": 0}),
])
def test_each_role_sees_its_own_tiles_counted_in_its_scope(client, world, cases, who, expected):
    # given cases waiting at each step in the world's grid and one in another district
    # when the user opens the workbench
    tiles = _tiles(client, world.user(who))
    # then the case tiles are the ones their roles allow, counted in their scope
    assert {label: count for label, (count, _url) in tiles.items() if label in CASE_TILES} == expected


def test_a_tile_links_to_the_work_list_filtered_to_the_same_cases(client, world, cases):
    # given the handler's tiles
    tiles = _tiles(client, world.handler)
    count, url = tiles["待签收"]
    # when the handler follows the 待签收 tile
    assert url == "/cases/?tab=my_unit_open&status=dispatched"
    page = client.get(url).context["page"]
    # then the list holds exactly the counted cases
    assert [case.pk for case in page] == [cases["dispatched"].pk]
    assert count == 1
    assert _tiles(client, world.community_staff)["待立案"][1] == "/cases/?tab=to_accept"


def test_the_counts_match_the_work_list_boxes_and_take_one_query(world, cases):
    # when the counts are asked for the community worker
    with CaptureQueriesContext(connection) as queries:
        counts = case_workbench_counts(user=world.community_staff)
    # then each equals its work-list box, from one aggregate query (plus the scope reads)
    for box in ("to_accept", "to_dispatch", "to_verify", "overdue", "due_soon"):
        assert counts[box] == case_list_visible_to(user=world.community_staff, box=box).count()
    assert len([q for q in queries.captured_queries if "cases_case" in q["sql"]]) == 1


def test_a_resident_gets_the_front_door_not_a_workbench(client, world, cases):
    # given a resident account
    client.force_login(world.resident)
    # when they open the home page
    response = client.get("/")
    # then they get the public entries, no tiles
    assert "tiles" not in response.context
    assert [link["label"] for link in response.context["links"]][:2] == ["我要上报", "我的上报"]


def test_a_summoned_department_sees_the_summons_waiting_for_its_check_in(client, world, cases):
    # given the street summons the other department to the accepted case
    from wangge.cases.services import summons_issue

    summons_issue(actor=world.street_staff, case_id=cases["accepted"].pk,
                  departments=[world.other_department.pk], reason="联合处置")
    # when each department's handler opens the workbench
    summoned = _tiles(client, world.other_handler)["吹哨待报到"]
    not_summoned = _tiles(client, world.handler)["吹哨待报到"]
    # then only the summoned department has it waiting, linking to the list of it
    assert summoned == (1, "/cases/?tab=summons_pending")
    assert not_summoned[0] == 0


@pytest.mark.parametrize("who", ["handler", "other_handler", "community_staff", "grid_worker",
                                 "street_staff", "other_community_staff"])
def test_a_unit_box_read_without_the_visibility_condition_holds_only_visible_cases(
    world, cases, who
):
    # given the unit's open box, read from the handling unit's index without the
    # visibility OR (selectors.BOXES_WITHIN_VISIBILITY)
    from wangge.cases.selectors import BOXES_WITHIN_VISIBILITY, case_visible_q

    user = world.user(who)
    for box in BOXES_WITHIN_VISIBILITY:
        listed = set(case_list_visible_to(user=user, box=box).values_list("pk", flat=True))
        # then every case in it is one the user may see anyway
        visible = set(Case.objects.filter(case_visible_q(user)).values_list("pk", flat=True))
        assert listed <= visible
    if who == "handler":
        assert listed == {cases["dispatched"].pk, cases["in_progress"].pk}


def _summon_the_handlers_department(world, case):
    from wangge.cases.services import summons_issue

    summons_issue(actor=world.street_staff, case_id=case.pk,
                  departments=[world.department.pk], reason="联合处置")


def test_a_departments_counts_match_its_boxes_and_read_only_open_cases(world, cases):
    # given the handler's department summoned to a case it does not handle
    from wangge.cases.selectors import BOXES

    _summon_the_handlers_department(world, cases["accepted"])
    # when the handler's counts are asked
    with CaptureQueriesContext(connection) as queries:
        counts = case_workbench_counts(user=world.handler)
    # then each equals its work-list box (the summoned case waits for check-in) ...
    for box in BOXES:
        assert counts[box] == case_list_visible_to(user=world.handler, box=box).count(), box
    assert counts["summons_pending"] == 1
    # ... and the aggregate names the summoned case by id and only the open statuses, so
    # the planner reads index ranges (a correlated EXISTS in the OR read every case ever
    # handled: 200 ms a page on a million cases)
    aggregate = [q["sql"] for q in queries.captured_queries
                 if "COUNT" in q["sql"] and '"cases_case"."status" IN' in q["sql"]]
    assert len(aggregate) == 1
    assert "EXISTS" not in aggregate[0].upper()
    assert str(cases["accepted"].pk) in aggregate[0]


def test_a_department_summoned_more_often_than_the_id_list_holds_still_sees_its_cases(
    world, cases, monkeypatch
):
    # given a department summoned to more cases than are matched by id
    from wangge.cases import selectors

    _summon_the_handlers_department(world, cases["accepted"])
    monkeypatch.setattr(selectors, "SUMMONED_IDS_LIMIT", 0)
    # when the handler reads the cases and the counts
    visible = set(case_list_visible_to(user=world.handler).values_list("pk", flat=True))
    counts = case_workbench_counts(user=world.handler)
    # then the summoned case is still visible (through the EXISTS fallback), counted once
    assert cases["accepted"].pk in visible
    assert counts["summons_pending"] == 1
    assert cases["reported"].pk not in visible
