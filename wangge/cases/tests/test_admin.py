"""The configuration back office: who may edit what."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from wangge.accounts.models import Role
from wangge.cases.models import CaseEvent, Category, RoutingRule
from wangge.testing import make_user
from wangge.testing.cases import CaseFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_city_officer_edits_categories_and_calendar(world):
    # when
    client = client_for(world.city_officer)
    # then
    assert client.get("/admin/cases/category/").status_code == 200
    assert client.get("/admin/cases/calendarday/").status_code == 200
    assert client.get("/admin/cases/slapolicy/").status_code == 200
    assert client.get("/admin/cases/kpiweights/").status_code == 200
    assert client_for(world.street_staff).get("/admin/cases/category/").status_code == 403
    # community staff have no back office at all (the admin sends them to its login)
    assert client_for(world.community_staff).get("/admin/cases/category/").status_code == 302


def test_routing_rules_are_scoped_to_the_editor_subtree(world):
    # given the district rule from the fixture and a rule in the other district
    RoutingRule.objects.create(
        category=Category.objects.get(code="E01"),
        area=world.other_district,
        handler_department=world.department,
    )
    street_staff = client_for(world.street_staff)
    district = client_for(world.district_officer)
    # when
    street_rows = street_staff.get("/admin/cases/routingrule/").context["cl"].result_list
    district_rows = district.get("/admin/cases/routingrule/").context["cl"].result_list
    # then: the street sees no rule (both sit on districts); the district sees its own
    assert [r.category.code for r in district_rows] == ["C01"]
    assert list(street_rows) == []


def test_street_staff_adds_a_rule_only_in_its_street(world):
    # given
    client = client_for(world.street_staff)
    category = Category.objects.get(code="S02")
    # when
    ok = client.post(
        "/admin/cases/routingrule/add/",
        {
            "category": category.pk,
            "area": world.street.pk,
            "handler_area": world.street.pk,
        },
    )
    refused = client.post(
        "/admin/cases/routingrule/add/",
        {
            "category": category.pk,
            "area": world.other_district.pk,
            "handler_area": world.street.pk,
        },
    )
    # then
    assert ok.status_code == 302
    notices = [str(m) for m in get_messages(ok.wsgi_request)]
    assert any("最迟 5 秒后" in notice for notice in notices)  # when the other workers see it
    assert refused.status_code == 200  # the form refuses an area outside the subtree
    assert list(RoutingRule.objects.filter(category=category).values_list("area", flat=True)) == [
        world.street.pk
    ]


def test_cases_are_read_only_in_admin(world):
    # given
    case = CaseFactory.reported(world)
    client = client_for(world.street_staff)
    # when
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    post = client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed"})
    # then
    assert page.status_code == 200
    assert post.status_code == 403
    assert case.token not in page.content.decode()


def test_case_events_are_immutable(world):
    # given
    event = CaseFactory.reported(world).events.get()
    # when / then
    event.note = "改写历史"
    with pytest.raises(ValueError):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_resident_has_no_back_office(world):
    resident = make_user(Role.RESIDENT, world.grid)
    assert client_for(resident).get("/admin/cases/routingrule/").status_code in (302, 403)
