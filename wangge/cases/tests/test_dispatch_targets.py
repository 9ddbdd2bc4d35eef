"""A case dispatched to a unit (grid, community, street, department) is visible to that
unit's handlers, sits in their work box and can be worked by them — always, wherever the
case itself lies. A unit nobody could handle is refused as a dispatch target."""

import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area, AreaKind
from wangge.cases import permissions as perms
from wangge.cases.forms import dispatch_targets
from wangge.cases.models import Case, RoutingRule, Status
from wangge.cases.selectors import case_box_counts, case_get_for_user, case_list_visible_to
from wangge.cases.services import case_transition
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.testing import grids, make_user
from wangge.testing.cases import CaseFactory

# The role a unit's own handlers hold on it, by the kind of node.
HANDLER_ROLE_OF_KIND = {
    AreaKind.GRID: Role.GRID_WORKER,
    AreaKind.COMMUNITY: Role.COMMUNITY_STAFF,
    AreaKind.STREET: Role.STREET_STAFF,
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sibling_grid(world) -> Area:
    """The other grid of the case's community."""
    return next(
        g for g in grids() if g.path.startswith(world.community.path) and g.pk != world.grid.pk
    )


def in_box(user, case: Case, box: str) -> bool:
    return case_list_visible_to(user=user, box=box).filter(pk=case.pk).exists()


def test_grid_worker_of_the_grid_a_case_is_dispatched_to_sees_and_works_it(world):
    # given a case reported in one grid and the worker of the neighbouring grid
    case = CaseFactory.accepted(world)
    target = sibling_grid(world)
    worker = make_user(Role.GRID_WORKER, target, username="gw-target")

    # when community staff dispatch it to the neighbouring grid through the API
    dispatched = client_for(world.community_staff).post(
        f"/api/cases/{case.pk}/dispatch",
        json.dumps({"handler_area": target.pk}),
        content_type="application/json",
    )
    assert dispatched.status_code == 200

    # then that grid's worker finds it, in the box of their unit's open cases
    client = client_for(worker)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    listed = client.get("/api/cases", {"box": "my_unit_open"}).json()["items"]
    assert [row["id"] for row in listed] == [case.pk]
    assert client.get("/api/cases/boxes").json()["my_unit_open"] == 1
    # and works it: signs and resolves
    signed = client.post(f"/api/cases/{case.pk}/sign", "{}", content_type="application/json")
    assert signed.status_code == 200
    resolved = client.post(
        f"/api/cases/{case.pk}/resolve",
        json.dumps({"result": "已协调物业修复"}),
        content_type="application/json",
    )
    assert resolved.status_code == 200
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED
    # and the case page opens for them
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_worker_of_an_unrelated_grid_still_gets_404(world):
    # given a case dispatched to the neighbouring grid
    case = CaseFactory.accepted(world)
    case_transition(
        actor=world.community_staff,
        case_id=case.pk,
        action="dispatch",
        handler_area=sibling_grid(world),
    )
    # when the worker of a grid in another district asks for it
    stranger = make_user(Role.GRID_WORKER, world.other_grid, username="gw-far")
    # then it does not exist for them
    assert client_for(stranger).get(f"/api/cases/{case.pk}").status_code == 404
    assert not in_box(stranger, case, "my_unit_open")


def test_a_case_dispatched_away_leaves_the_previous_units_box(world):
    # given a case the neighbouring grid returned, redispatched to the department
    target = sibling_grid(world)
    worker = make_user(Role.GRID_WORKER, target, username="gw-target")
    case = CaseFactory.accepted(world)
    case_transition(
        actor=world.community_staff, case_id=case.pk, action="dispatch", handler_area=target
    )
    case_transition(actor=worker, case_id=case.pk, action="return", reason="不属于网格职责")
    case_transition(
        actor=world.community_staff,
        case_id=case.pk,
        action="dispatch",
        handler_department=world.department,
    )
    # then the grid worker no longer holds it and cannot act on it
    with pytest.raises(NotFoundOrForbidden):
        case_get_for_user(user=worker, case_id=case.pk)
    assert in_box(world.handler, case, "my_unit_open")


def test_dispatch_to_a_department_nobody_handles_is_refused(world):
    # given a department without any handler account
    empty = Department.objects.create(name="水务局", code="D-SW", area=world.district)
    case = CaseFactory.accepted(world)
    # when the street (which may send to district departments) dispatches there
    with pytest.raises(ApplicationError) as refused:
        case_transition(
            actor=world.street_staff, case_id=case.pk, action="dispatch", handler_department=empty
        )
    # then the dispatcher is told why, and the case waits unchanged
    assert refused.value.message == "水务局目前没有承办人员，不能派遣，请选择其他承办单位"
    assert refused.value.field == "handler_department"
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_routed_area_unit_nobody_handles_is_refused_through_the_api(world):
    # given a routing rule naming a community of another district, where nobody works
    far_community = Area.objects.get(path=world.other_grid.path[:16])
    RoutingRule.objects.create(
        category=world.category, area=world.district, handler_area=far_community
    )
    case = CaseFactory.accepted(world)
    # when community staff dispatch by the routing rule
    response = client_for(world.community_staff).post(
        f"/api/cases/{case.pk}/dispatch", "{}", content_type="application/json"
    )
    # then 400 with the reason on the handler field
    assert response.status_code == 400
    (detail,) = response.json()["detail"]
    assert detail["msg"] == (f"{far_community.name}目前没有承办人员，不能派遣，请选择其他承办单位")
    assert detail["loc"] == ["body", "handler_area"]


def test_the_dispatch_form_offers_only_units_somebody_handles(world):
    # given a district department nobody handles, next to one that is staffed
    empty = Department.objects.create(name="水务局", code="D-SW", area=world.district)
    case = CaseFactory.accepted(world)
    # when the street, which may send to district departments, opens the dispatch form
    offered = dict(dispatch_targets(world.street_staff, case))
    # then the staffed units are offered and the empty department is not
    assert offered[f"d:{world.other_department.pk}"] == "住建局"
    assert f"d:{empty.pk}" not in offered
    assert f"a:{sibling_grid(world).pk}" in offered


# --------------------------------------------------------------------------- property


def _handler_for(unit) -> User:
    """The unit's own handler account (created once per unit)."""
    if isinstance(unit, Department):
        username, role, kwargs = f"h-d{unit.pk}", Role.DEPARTMENT_HANDLER, {"department": unit}
    else:
        username, role = f"h-a{unit.pk}", HANDLER_ROLE_OF_KIND[unit.kind]
        kwargs = {"area": unit}
    existing = User.objects.filter(username=username).first()
    return existing or make_user(role, username=username, **kwargs)


def _targets(dispatcher, case) -> list:
    """Every unit the API lets this dispatcher send this case to."""
    areas = [
        area
        for area in Area.objects.filter(depth__gte=3).order_by("path")
        if perms.can_dispatch_to(dispatcher, case, area=area)
    ]
    departments = [
        department
        for department in Department.objects.select_related("area").order_by("pk")
        if perms.can_dispatch_to(dispatcher, case, department=department)
    ]
    return areas + departments


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_handlers_of_any_dispatch_target_see_and_work_the_case(world, data):
    # given a case reported in a random grid of the street, accepted by its community
    # (or escalated to the street), and a random unit its dispatcher may choose
    Department.objects.get_or_create(
        code="D-JD", defaults={"name": "街道城管科", "area": world.street}
    )
    grid = data.draw(st.sampled_from([g for g in grids() if g.path.startswith(world.street.path)]))
    community = Area.objects.get(path=grid.path[:16])
    staff = _handler_for(community)
    case = CaseFactory.reported(world, grid=grid)
    case_transition(actor=staff, case_id=case.pk, action="accept")
    dispatcher = staff
    if data.draw(st.booleans(), label="escalated"):
        case_transition(actor=staff, case_id=case.pk, action="escalate", reason="需街道协调")
        dispatcher = world.street_staff
    case.refresh_from_db()
    target = data.draw(st.sampled_from(_targets(dispatcher, case)), label="target")
    handler = _handler_for(target)
    stranger = make_user(Role.GRID_WORKER, world.other_grid)
    unit = (
        {"handler_department": target.pk}
        if isinstance(target, Department)
        else {"handler_area": target.pk}
    )

    # when the dispatcher sends it there
    with transaction.atomic():
        case_transition(actor=dispatcher, case_id=case.pk, action="dispatch", **unit)

    # then the unit's handler sees it, finds it in their box and counts it there
    assert case_get_for_user(user=handler, case_id=case.pk).pk == case.pk
    assert in_box(handler, case, "my_unit_open")
    assert case_box_counts(user=handler)["my_unit_open"] >= 1
    assert case_list_visible_to(user=handler).filter(pk=case.pk).exists()
    # and may sign and resolve it
    case_transition(actor=handler, case_id=case.pk, action="sign")
    case_transition(actor=handler, case_id=case.pk, action="resolve", result="已处置")
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED
    # while a grid worker of another district still cannot see it
    with pytest.raises(NotFoundOrForbidden):
        case_get_for_user(user=stranger, case_id=case.pk)
