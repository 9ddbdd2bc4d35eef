"""Opening a case, routing it, and the work-list boxes derived from deadlines."""

from datetime import datetime, timedelta

import pytest

from wangge.accounts.models import Department
from wangge.cases.models import Attachment, Case, Category, RoutingRule, Status
from wangge.cases.selectors import (
    case_box_counts,
    case_get_by_token,
    case_get_for_user,
    case_list_visible_to,
)
from wangge.cases.services import case_report, case_route, case_transition
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.testing.cases import PNG, CaseFactory

TZ = clock.LOCAL_TZ


def test_report_locates_grid_numbers_and_picks_community_dispatcher(world, monkeypatch):
    # given
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 23, 30, tzinfo=TZ))
    # when
    first = CaseFactory.reported(world)
    second = CaseFactory.reported(world, photos=[PNG])
    # then
    assert first.grid == world.grid
    assert first.area_path == world.grid.path
    assert (first.number, second.number) == ("2026112500001", "2026112500002")
    assert first.token != second.token and len(first.token) >= 20
    assert first.dispatcher_area == world.community  # the routing table knows 公用设施
    assert Attachment.objects.get(case=second).kind == "report"
    assert first.events.get().action == "report"


def test_unroutable_case_goes_to_the_street(world):
    # given a community matter with no routing rule
    category = Category.objects.get(code="S0201")
    # when
    case = CaseFactory.reported(world, category=category)
    # then
    assert case.dispatcher_area == world.street
    assert case_route(category=category, area_path=case.area_path) is None
    assert [c.pk for c in case_list_visible_to(user=world.street_staff, box="to_accept")] == [
        case.pk
    ]
    with pytest.raises(ApplicationError) as raised:
        case_transition(actor=world.street_staff, case_id=case.pk, action="dispatch")
    assert raised.value.field == "handler_department"


def test_deepest_area_then_deepest_category_wins(world):
    # given: district rule for the class (fixture), community rule for the class,
    # community rule for the sub-class
    community_unit = Department.objects.create(name="社区物业办", code="D-WY", area=world.community)
    RoutingRule.objects.create(
        category=Category.objects.get(code="C01"),
        area=world.community,
        handler_area=world.community,
    )
    # then
    assert case_route(category=world.category, area_path=world.grid.path) == world.community
    RoutingRule.objects.create(
        category=world.category, area=world.community, handler_department=community_unit
    )
    assert case_route(category=world.category, area_path=world.grid.path) == community_unit
    # elsewhere in the district the district rule still applies
    other_grid_path = world.other_community.path + "0001"
    assert case_route(category=world.category, area_path=other_grid_path) == world.department


def test_report_without_location_or_with_bad_input_is_refused(world):
    # when / then
    with pytest.raises(ApplicationError) as raised:
        case_report(actor=None, category=world.category, description="x", source="resident")
    assert raised.value.field == "location"
    with pytest.raises(ApplicationError) as raised:
        CaseFactory.reported(world, description="   ")
    assert raised.value.field == "description"
    with pytest.raises(ApplicationError) as raised:
        CaseFactory.reported(world, category="NOPE")
    assert raised.value.field == "category"
    with pytest.raises(ApplicationError) as raised:
        CaseFactory.reported(world, photos=[b"GIF89a......"])
    assert raised.value.field == "photos"
    with pytest.raises(ApplicationError) as raised:
        CaseFactory.reported(world, reporter_phone="12")
    assert raised.value.field == "phone"
    assert Case.objects.count() == 0


def test_report_by_community_without_point(world):
    # when: a typed address and the community picked from a list
    case = case_report(
        actor=None,
        category=world.category,
        description="楼道灯坏",
        source="resident",
        grid=world.community,
        address="1 号楼 2 单元",
    )
    # then
    assert (case.grid, case.area_path) == (None, world.community.path)
    assert case.dispatcher_area == world.community


def test_gcj02_point_is_stored_as_wgs84(world):
    # given a point given on an AMap (GCJ-02) map
    from wangge.areas.geo import wgs84_to_gcj02

    lat, lng = world.grid.min_lat + 0.005, world.grid.min_lng + 0.005
    glat, glng = wgs84_to_gcj02(lat, lng)
    # when
    case = CaseFactory.reported(world, lat=glat, lng=glng, coord_system="gcj02")
    # then
    assert case.grid == world.grid
    assert case.lat == pytest.approx(lat, abs=1e-5)
    assert case.lng == pytest.approx(lng, abs=1e-5)


def test_overdue_and_due_soon_are_derived(world):
    # given three dispatched cases with deadlines in the past, tomorrow and next week
    now = clock.now()
    late, soon, later = (CaseFactory.dispatched(world) for _ in range(3))
    Case.objects.filter(pk=late.pk).update(resolve_due_at=now - timedelta(hours=1))
    Case.objects.filter(pk=soon.pk).update(resolve_due_at=now + timedelta(hours=5))
    Case.objects.filter(pk=later.pk).update(resolve_due_at=now + timedelta(days=6))
    # when
    overdue = list(case_list_visible_to(user=world.handler, box="overdue", now=now))
    due_soon = list(case_list_visible_to(user=world.handler, box="due_soon", now=now))
    open_list = list(case_list_visible_to(user=world.handler, box="my_unit_open", now=now))
    # then
    assert [c.pk for c in overdue] == [late.pk]
    assert [c.pk for c in due_soon] == [soon.pk]
    assert [c.pk for c in open_list] == [late.pk, soon.pk, later.pk]  # by deadline
    assert [(c.is_overdue, c.is_due_soon) for c in open_list] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    counts = case_box_counts(user=world.handler, now=now)
    assert (counts["overdue"], counts["due_soon"], counts["my_unit_open"]) == (1, 1, 3)


def test_suspended_case_is_never_overdue(world):
    # given
    case = CaseFactory.suspended(world)
    Case.objects.filter(pk=case.pk).update(resolve_due_at=clock.now() - timedelta(days=1))
    # then
    assert list(case_list_visible_to(user=world.handler, box="overdue")) == []
    assert case_get_for_user(user=world.handler, case_id=case.pk).is_overdue is False


def test_to_verify_box_for_grid_worker(world):
    # given
    case = CaseFactory.resolved(world)
    other = CaseFactory.reported(world, grid=world.other_grid)
    Case.objects.filter(pk=other.pk).update(status=Status.RESOLVED)
    # when
    mine = [c.pk for c in case_list_visible_to(user=world.grid_worker, box="to_verify")]
    # then
    assert mine == [case.pk]
    # a city officer neither verifies nor dispatches: the box is empty for them
    assert list(case_list_visible_to(user=world.city_officer, box="to_verify")) == []
    assert other.pk in [c.pk for c in case_list_visible_to(user=world.city_officer)]


def test_reporter_sees_own_case_and_token_lookup(world):
    # given
    case = CaseFactory.reported(world, actor=world.resident)
    # then
    assert case_get_for_user(user=world.resident, case_id=case.pk).pk == case.pk
    assert case_get_by_token(token=case.token).pk == case.pk
    with pytest.raises(NotFoundOrForbidden):
        case_get_by_token(token="")
    with pytest.raises(NotFoundOrForbidden):
        case_get_for_user(user=world.other_community_staff, case_id=case.pk)
    assert case.status == Status.REPORTED
