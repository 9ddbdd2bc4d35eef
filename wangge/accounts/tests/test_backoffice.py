"""The Django admin: who is let in, what its related fields accept, that moves keep the
registry's scope copies right, and that every write is audited with personal data masked."""

import pytest
from django.contrib import admin

from wangge.accounts.backoffice import (
    RoleGatedModelAdmin,
    ScopedInlineMixin,
    ScopedModelAdmin,
)
from wangge.accounts.models import Department, LoginThrottle, Role, RoleAssignment, User
from wangge.accounts.tests.admin_support import client_for, node
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.models import AuditEvent
from wangge.people.models import CareTag
from wangge.testing import make_household, make_resident, make_user

# --- every admin is built on the scoped or role-gated base -------------------------------


def test_every_registered_model_admin_derives_from_a_scoped_or_role_gated_base(db):
    # given every ModelAdmin registered on the site
    registry = admin.site._registry
    assert len(registry) > 10
    # then each derives from one of the bases (scoped choices, audit, role gate)
    loose = [
        type(model_admin).__name__
        for model_admin in registry.values()
        if not isinstance(model_admin, (ScopedModelAdmin, RoleGatedModelAdmin))
    ]
    assert loose == []
    # and so does each of their inlines
    loose_inlines = [
        inline.__name__
        for model_admin in registry.values()
        for inline in model_admin.inlines
        if not issubclass(inline, ScopedInlineMixin)
    ]
    assert loose_inlines == []


# --- who belongs in the back office --------------------------------------------------------


@pytest.mark.parametrize("role", [Role.GRID_WORKER, Role.COMMUNITY_STAFF])
def test_grid_workers_and_community_staff_have_no_back_office(tree, role):
    # given a grid worker or community staff of grid 1
    community = Area.objects.get(kind=AreaKind.COMMUNITY, path=tree["g1"].path[: 4 * Area.steplen])
    area = tree["g1"] if role == Role.GRID_WORKER else community
    client = client_for(make_user(role, area))
    # when they open the admin or post a building into their own grid
    index = client.get("/admin/")
    post = client.post("/admin/areas/building/add/", {"grid": tree["g1"].pk, "name": "1号楼"})
    # then the admin lets them in nowhere and nothing is written
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    assert post.status_code == 302
    assert not Building.objects.exists()


def test_back_office_scope_ignores_a_users_page_roles(tree):
    # given a street officer of street 1 who is also a grid worker in the other district
    user = tree["street_staff"]
    RoleAssignment.objects.create(user=user, role=Role.GRID_WORKER, area=tree["far"])
    user = User.objects.get(pk=user.pk)
    # when they post a building in the far grid
    response = client_for(user).post(
        "/admin/areas/building/add/", {"grid": tree["far"].pk, "name": "越界楼"}
    )
    # then the grid worker role does not widen what the back office accepts
    assert response.status_code == 200
    assert not Building.objects.exists()


@pytest.mark.parametrize(
    ("role", "where", "shown"),
    [
        (Role.GRID_WORKER, "grid", False),
        (Role.COMMUNITY_STAFF, "community", False),
        (Role.DEPARTMENT_HANDLER, "department", False),
        # the organisation department has the party tables (party.admin admits it there only)
        (Role.ORG_DEPT, "city", True),
        (Role.RESIDENT, "grid", False),
        (Role.STREET_STAFF, "street", True),
        (Role.DISTRICT_OFFICER, "district", True),
        (Role.CITY_OFFICER, "city", True),
        (Role.SYSTEM_ADMIN, "city", True),
        (Role.SECURITY_ADMIN, None, True),
        (Role.AUDIT_ADMIN, None, True),
    ],
)
def test_menu_links_the_admin_only_for_roles_with_an_admin_module(city, role, where, shown):
    # given a user of the role
    department = None
    area = None
    if where == "department":
        department = Department.objects.create(name="城管局", code="CG", area=city)
    elif where is not None:
        area = node(where)
    user = make_user(role, area, department=department)
    user.is_staff = True  # even with the flag set, the link follows the admin's modules
    user.save(update_fields=["is_staff"])
    client = client_for(user)
    # when they open a page with the menu
    page = client.get("/", follow=True)
    # then the link is there exactly when the admin has a module for them
    assert ("后台管理" in page.content.decode()) is shown
    admin_index = client.get("/admin/")
    assert (admin_index.status_code == 200) is shown


# --- related fields list and accept only the write scope ---------------------------------


def test_a_forged_grid_of_another_district_is_refused_and_audited(tree):
    client = client_for(tree["street_staff"])
    # when the street officer adds a building in their street and one in another district
    ok = client.post("/admin/areas/building/add/", {"grid": tree["g1"].pk, "name": "1号楼"})
    forged = client.post("/admin/areas/building/add/", {"grid": tree["far"].pk, "name": "2号楼"})
    # then only the first is written, with its grid's path
    assert ok.status_code == 302
    assert forged.status_code == 200 and "grid" in forged.context["adminform"].form.errors
    assert list(Building.objects.values_list("name", "area_path")) == [("1号楼", tree["g1"].path)]
    # and the forged id is on record as a refused attempt
    denied = AuditEvent.objects.get(action="access_denied")
    assert denied.outcome == "denied" and denied.detail["refused_fields"] == ["grid"]
    assert denied.actor_username == "jd1" and denied.object_type == "areas.building"


def test_choices_and_autocomplete_list_only_grids_in_scope(tree):
    client = client_for(tree["street_staff"])
    # when the officer opens the add form and searches grids by autocomplete
    form = client.get("/admin/areas/estate/add/").context["adminform"].form
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "areas", "model_name": "estate", "field_name": "grid", "term": ""},
    ).json()
    # then both hold the street's four grids and nothing else (no street, no far grid)
    street_grids = {tree[g].pk for g in ("g1", "g2", "g3", "g4")}
    assert set(form.fields["grid"].queryset.values_list("pk", flat=True)) == street_grids
    assert {int(item["id"]) for item in found["results"]} == street_grids


def test_a_household_cannot_be_moved_out_of_scope(tree):
    household = make_household(tree["g1"])
    client = client_for(tree["street_staff"])
    # when the officer posts the household into the other district
    response = client.post(
        f"/admin/people/household/{household.pk}/change/",
        {"code": household.code, "address": household.address, "room": "", "grid": tree["far"].pk},
    )
    # then it stays where it was
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.grid_id == tree["g1"].pk and household.area_path == tree["g1"].path


def test_a_household_code_cannot_probe_codes_of_other_areas(tree):
    # given a household of the officer's street and one in another district
    mine, theirs = make_household(tree["g1"]), make_household(tree["far"])
    client = client_for(tree["street_staff"])
    # when the officer posts the other household's code on their own household
    response = client.post(
        f"/admin/people/household/{mine.pk}/change/",
        {"code": theirs.code, "address": mine.address, "room": "", "grid": tree["g1"].pk},
    )
    # then the code is not a field here: nothing says whether it exists, nothing changes
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.code != theirs.code


def test_a_building_cannot_take_an_estate_of_another_grid(tree):
    estate = Estate.objects.create(grid=tree["g2"], name="幸福小区")
    client = client_for(tree["street_staff"])
    response = client.post(
        "/admin/areas/building/add/", {"grid": tree["g1"].pk, "estate": estate.pk, "name": "3号楼"}
    )
    assert response.status_code == 200 and "小区不在该网格内" in response.content.decode()
    assert not Building.objects.exists()


# --- moves keep the registry's area_path copies right ----------------------------------


def test_moving_a_building_moves_its_households_and_residents(tree):
    # given a building in g1 with a household and a resident
    building = Building.objects.create(grid=tree["g1"], name="5号楼")
    household = make_household(tree["g1"])
    household.building = building
    household.save()
    resident = make_resident(household)
    client = client_for(tree["street_staff"])
    # when the officer moves the building to g3 (the street's other community)
    response = client.post(
        f"/admin/areas/building/{building.pk}/change/",
        {"grid": tree["g3"].pk, "name": "5号楼", "address": ""},
    )
    # then the building, its household and the resident all carry g3's path
    assert response.status_code == 302
    building.refresh_from_db()
    household.refresh_from_db()
    resident.refresh_from_db()
    assert building.area_path == tree["g3"].path
    assert (household.grid_id, household.area_path, household.building_id) == (
        tree["g3"].pk,
        tree["g3"].path,
        building.pk,
    )
    assert resident.area_path == tree["g3"].path
    # and the admin's audit row says who moved it from where to where
    row = AuditEvent.objects.get(action="update", object_type="areas.building", detail__via="admin")
    assert row.actor_username == "jd1"
    assert row.detail["changes"]["grid"] == {"before": tree["g1"].pk, "after": tree["g3"].pk}


def test_moving_a_household_in_the_admin_moves_its_residents(tree):
    household = make_household(tree["g1"])
    resident = make_resident(household)
    target = Building.objects.create(grid=tree["g2"], name="7号楼")
    client = client_for(tree["street_staff"])
    response = client.post(
        f"/admin/people/household/{household.pk}/change/",
        {
            "code": household.code,
            "address": household.address,
            "room": "",
            "grid": tree["g2"].pk,
            "building": target.pk,
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    resident.refresh_from_db()
    assert (household.area_path, household.building_id) == (tree["g2"].path, target.pk)
    assert resident.area_path == tree["g2"].path
    # the page's move service ran (its own audit row) and the admin's row has the change
    assert AuditEvent.objects.filter(action="update", detail__moved_to=tree["g2"].code).exists()
    assert AuditEvent.objects.filter(object_type="people.household", detail__via="admin").exists()


def test_moving_an_estate_moves_its_buildings_households_and_residents(tree):
    estate = Estate.objects.create(grid=tree["g1"], name="阳光小区")
    building = Building.objects.create(grid=tree["g1"], estate=estate, name="1号楼")
    household = make_household(tree["g1"])
    household.building = building
    household.save()
    resident = make_resident(household)
    client = client_for(tree["street_staff"])
    response = client.post(
        f"/admin/areas/estate/{estate.pk}/change/",
        {"grid": tree["g4"].pk, "name": "阳光小区", "address": ""},
    )
    assert response.status_code == 302
    for obj in (estate, building, household, resident):
        obj.refresh_from_db()
        assert obj.area_path == tree["g4"].path, obj
    assert building.estate_id == estate.pk and household.building_id == building.pk


def test_a_grid_polygon_edited_in_the_admin_keeps_its_bounding_box(city):
    grid = node(AreaKind.GRID)
    client = client_for(make_user(Role.SYSTEM_ADMIN, city, username="xt"))
    polygon = (
        '{"type": "Polygon", "coordinates": [[[110, 41], [110.5, 41], [110.5, 41.5],'
        " [110, 41.5], [110, 41]]]}"
    )
    response = client.post(
        f"/admin/areas/area/{grid.pk}/change/",
        {"code": grid.code, "name": grid.name, "polygon": polygon},
    )
    assert response.status_code == 302
    grid.refresh_from_db()
    assert (grid.min_lat, grid.max_lat, grid.min_lng, grid.max_lng) == (41, 41.5, 110, 110.5)
    # and a polygon that is not one is refused by the form, not by a server error
    bad = client.post(
        f"/admin/areas/area/{grid.pk}/change/",
        {"code": grid.code, "name": grid.name, "polygon": '{"type": "Point"}'},
    )
    assert bad.status_code == 200 and "GeoJSON" in bad.content.decode()


# --- every write is audited, personal data masked ---------------------------------------


def test_resident_edit_goes_through_the_service_and_is_audited_masked(tree):
    resident = make_resident(make_household(tree["g1"]), name="张三", phone="13812345678")
    client = client_for(tree["street_staff"])
    # when the officer changes the name and writes a phone and an ID number into the notes
    response = client.post(
        f"/admin/people/resident/{resident.pk}/change/",
        {
            "name": "张叁",
            "gender": "male",
            "relation": "self",
            "residence_status": "permanent",
            "ethnicity": "汉族",
            "notes": "联系儿子 139-8765-4321，身份证 11010519491231002X",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == "张叁"
    # then the service's row and the admin's row are there; no phone or ID in plaintext
    row = AuditEvent.objects.get(object_type="people.resident", detail__via="admin")
    assert row.detail["changes"]["name"] == {"before": "张三", "after": "张叁"}
    text = str(row.detail)
    assert "13987654321" not in text and "8765-4321" not in text and "1949123" not in text
    assert "139****4321" in text and "110***********002X" in text
    assert AuditEvent.objects.filter(
        object_type="people.resident", action="update", detail__fields=["name", "notes"]
    ).exists()


def test_config_admins_are_audited_on_add_change_and_delete(city):
    sysadmin = make_user(Role.SYSTEM_ADMIN, city, username="xt")
    client = client_for(sysadmin)
    # when the system administrator adds a care tag and changes it
    client.post(
        "/admin/people/caretag/add/", {"code": "elder", "name": "独居老人", "cadence": "weekly"}
    )
    tag = CareTag.objects.get(code="elder")
    client.post(
        f"/admin/people/caretag/{tag.pk}/change/",
        {"code": "elder", "name": "独居老人", "cadence": "monthly", "sensitive": "on"},
    )
    # then one row per write, with the changed fields before and after
    rows = AuditEvent.objects.filter(object_type="people.caretag", object_id=str(tag.pk))
    assert [row.action for row in rows.order_by("id")] == ["create", "update"]
    change = rows.get(action="update").detail["changes"]
    assert change == {
        "cadence": {"before": "weekly", "after": "monthly"},
        "sensitive": {"before": False, "after": True},
    }
    assert rows.first().actor_username == "xt"


def test_routing_rule_delete_is_audited(city):
    from wangge.cases.models import Category, RoutingRule

    street = node(AreaKind.STREET)
    officer = make_user(Role.STREET_STAFF, street, username="jd")
    category = Category.objects.add_root(instance=Category(code="Z1", name="测试"))
    rule = RoutingRule.objects.create(category=category, area=street, handler_area=street)
    response = client_for(officer).post(
        f"/admin/cases/routingrule/{rule.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not RoutingRule.objects.exists()
    row = AuditEvent.objects.get(action="delete", object_type="cases.routingrule")
    assert row.object_id == str(rule.pk) and row.actor_username == "jd"


def test_admin_actions_are_audited(db):
    secadmin = make_user(Role.SECURITY_ADMIN, username="aq")
    throttle = LoginThrottle.objects.create(username="wg001", failures=5)
    client_for(secadmin).post(
        "/admin/accounts/loginthrottle/",
        {"action": "unlock", "_selected_action": [throttle.pk], "index": 0},
    )
    row = AuditEvent.objects.get(action="admin_action")
    assert row.detail == {"via": "admin", "action": "unlock", "ids": [str(throttle.pk)]}


# --- the changelist filters only on what it offers -------------------------------------


@pytest.fixture
def reported_case(city):
    from wangge.testing.cases import CaseFactory
    from wangge.testing.worlds import build_world

    world = build_world(city)
    case = CaseFactory.reported(world, reporter_name="张建国", reporter_phone="13812345678")
    return world, case


@pytest.mark.parametrize(
    "lookup",
    [
        "token__startswith",
        "token__lt",
        "token__regex",
        "reporter_name__startswith",
        "reporter_phone_enc__startswith",
        "description__contains",
    ],
)
def test_case_list_refuses_filters_it_does_not_offer(reported_case, lookup):
    # given street staff who may read the case in the back office
    world, case = reported_case
    client = client_for(world.street_staff)
    base = f"/admin/cases/case/?id__exact={case.pk}"
    assert client.get(base).context["cl"].result_count == 1
    # when they filter on a hidden field with each first character
    answers = {
        client.get(f"{base}&{lookup}={char}").status_code for char in "0123456789abcdefRSTUVXYZ张"
    }
    # then every probe is refused alike: the answer says nothing about the value
    assert answers == {400}
    assert AuditEvent.objects.filter(
        action="access_denied", object_type="cases.case", detail__refused_lookup=lookup
    ).exists()


def test_case_list_keeps_its_offered_filters_search_and_ordering(reported_case):
    # given street staff and the case
    world, case = reported_case
    client = client_for(world.street_staff)
    # when they use the list filters, the id, the search box and the ordering
    queries = [
        f"status__exact={case.status}",
        f"priority__exact={case.priority}",
        f"source__exact={case.source}",
        "status__isnull=False",
        f"id__exact={case.pk}",
        f"pk={case.pk}",
        f"q={case.number}",
        "o=-1",
    ]
    for query in queries:
        response = client.get(f"/admin/cases/case/?{query}")
        # then each works and finds the case
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == 1, query


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/admin/cases/case/", "created_at__year"),
        ("/admin/patrols/patrol/", "started_at__year"),
        ("/admin/people/resident/", "birth_date__year"),
        ("/admin/patrols/patrol/", "date__year"),
        ("/admin/patrols/visit/", "date__year"),
    ],
)
@pytest.mark.parametrize("year", ["0", "-1", "99999", "9999", "1", "x"])
def test_date_lookups_out_of_range_are_refused_not_a_server_error(tree, path, param, year):
    # given street staff
    client = client_for(tree["street_staff"])
    # when they ask a list for an impossible year
    response = client.get(f"{path}?{param}={year}")
    # then the admin refuses it (400) or shows its bad-filter page, never a 500
    assert response.status_code == 400 or (
        response.status_code == 302 and response["Location"].endswith("?e=1")
    ), (path, param, year, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "date__year=2026",
        "date__year=2026&date__month=3",
        "date__year=2026&date__month=3&date__day=9",
    ],
)
def test_date_hierarchy_and_date_filters_still_work(tree, query):
    # given street staff
    client = client_for(tree["street_staff"])
    # when they step through the date hierarchy or use the date list filter
    for path in ["/admin/patrols/patrol/", "/admin/patrols/visit/"]:
        response = client.get(f"{path}?{query}")
        # then the list answers
        assert response.status_code == 200, (path, query)
    assert (
        client.get("/admin/patrols/patrol/?date__gte=2026-01-01&date__lt=2026-02-01").status_code
        == 200
    )
    assert client.get("/admin/patrols/gridassignment/?until__isnull=True").status_code == 200
    assert client.get("/admin/people/resident/?care_tags__id__exact=1").status_code == 200
    assert client.get("/admin/people/resident/?care_tags__isnull=True").status_code == 200


def test_raw_id_popup_and_autocomplete_still_work(tree):
    # given a system administrator (users' area is a raw id field) and street staff
    client = client_for(make_user(Role.SYSTEM_ADMIN, node(AreaKind.CITY)))
    street = client_for(tree["street_staff"])
    # when they open the area popup (and filter it) and the grid autocomplete
    popup = client.get("/admin/areas/area/?_to_field=id&_popup=1")
    popup_kind = client.get("/admin/areas/area/?_to_field=id&_popup=1&kind__exact=grid")
    auto = street.get(
        "/admin/autocomplete/?app_label=areas&model_name=estate&field_name=grid&term="
    )
    # then they work
    assert popup.status_code == 200
    assert popup_kind.status_code == 200
    assert auto.status_code == 200 and auto.json()["results"]
