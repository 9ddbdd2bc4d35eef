"""A report routed to a grid where no grid worker is on duty goes to the community's
staff instead: no case waits where nobody works."""

from datetime import timedelta

import pytest

from wangge.accounts.models import Role, RoleAssignment
from wangge.cases.models import Category, RoutingRule, Status
from wangge.cases.selectors import case_list_visible_to
from wangge.cases.services import case_route, case_transition
from wangge.cases.tests.factories import CaseFactory
from wangge.core import clock


@pytest.fixture
def grid_rule(world):
    """Community matters (S0201) in the world's community are the grid's to handle."""
    category = Category.objects.get(code="S0201")
    RoutingRule.objects.create(category=category, area=world.community, handler_area=world.grid)
    return category


def test_grid_with_worker_on_duty_gets_the_case(world, grid_rule):
    # given a report in the grid, whose worker is on duty
    case = CaseFactory.reported(world, category=grid_rule)
    # when the community dispatches it by the routing table
    dispatched = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then the grid handles it and its worker signs it
    assert dispatched.handler_area == world.grid
    signed = case_transition(actor=world.grid_worker, case_id=case.pk, action="sign")
    assert signed.status == Status.IN_PROGRESS


def test_grid_without_worker_on_duty_routes_to_the_community(world, grid_rule):
    # given the grid worker's assignment ended yesterday
    RoleAssignment.objects.filter(user=world.grid_worker, role=Role.GRID_WORKER).update(
        valid_until=clock.today() - timedelta(days=1)
    )
    case = CaseFactory.reported(world, category=grid_rule)
    # when the community dispatches it by the routing table
    assert case_route(category=grid_rule, area_path=case.area_path) == world.community
    dispatched = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then the community is the handler unit, and its staff find it and sign it
    assert (dispatched.handler_area, dispatched.handler_department) == (world.community, None)
    event = dispatched.events.get(action="dispatch")
    assert event.data["handler_name"] == world.community.name and event.data["routed"] is True
    open_for_staff = case_list_visible_to(user=world.community_staff, box="my_unit_open")
    assert case.pk in [c.pk for c in open_for_staff]
    signed = case_transition(actor=world.community_staff, case_id=case.pk, action="sign")
    assert signed.status == Status.IN_PROGRESS


def test_inactive_grid_worker_is_not_on_duty(world, grid_rule):
    # given the grid's only worker account is switched off
    world.grid_worker.is_active = False
    world.grid_worker.save(update_fields=["is_active"])
    case = CaseFactory.reported(world, category=grid_rule)
    # when
    dispatched = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # then
    assert dispatched.handler_area == world.community


def test_rule_naming_a_department_or_community_is_unchanged(world):
    # given the fixture's rule: 市容环境 (C01) → the district's department
    case = CaseFactory.reported(world)
    # when / then: no grid involved, the department stays the handler
    assert case_route(category=world.category, area_path=case.area_path) == world.department
