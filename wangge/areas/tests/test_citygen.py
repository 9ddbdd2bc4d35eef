import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from wangge.accounts.demo import demo_accounts_ensure
from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.areas.demo import FULL_HOUSEHOLDS
from wangge.areas.demo_tree import plan_area_tree
from wangge.areas.geo import gcj02_to_bd09, wgs84_to_gcj02
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.areas.services import area_create, area_locate_point
from wangge.core import crypto
from wangge.core.errors import ApplicationError
from wangge.core.identity import birth_date_from_id, gender_from_id, normalize_id_number
from wangge.demo.city import city_generate
from wangge.people.demo import CARE_TAG_SHARE, population_digest
from wangge.people.models import CareTag, Household, Resident
from wangge.people.selectors import resident_list_visible_to
from wangge.testing import make_household, make_resident

BAOTOU_DISTRICTS = {
    "150202": "东河区",
    "150203": "昆都仑区",
    "150204": "青山区",
    "150205": "石拐区",
    "150206": "白云鄂博矿区",
    "150207": "九原区",
    "150221": "土默特右旗",
    "150222": "固阳县",
    "150223": "达尔罕茂明安联合旗",
}
SMALL = ["150206"]  # 白云鄂博矿区: 2 streets, 6 communities


def _generated_digest(**kwargs) -> str:
    """Generate inside a savepoint, digest the population, and roll it all back."""
    savepoint = transaction.savepoint()
    try:
        city_generate(**kwargs)
        return population_digest()
    finally:
        transaction.savepoint_rollback(savepoint)


def test_the_whole_tree_has_the_articles_counts_and_code_rules(db):
    # given / when: the full tree at a tiny scale
    stats = city_generate(scale=0.0001, seed=42)

    # then: 9 districts with their GB/T 2260 codes, 80 streets, 279 communities, 2,814 grids
    areas = list(Area.objects.values_list("kind", "code", "name", "path", "depth", "numchild"))
    kinds = Counter(kind for kind, *_ in areas)
    assert kinds == {"city": 1, "district": 9, "street": 80, "community": 279, "grid": 2814}
    assert (stats.districts, stats.streets, stats.communities, stats.grids) == (9, 80, 279, 2814)
    city = Area.objects.get(kind=AreaKind.CITY)
    assert (city.code, city.name) == ("150200", "包头市")
    assert {a.code: a.name for a in Area.objects.get_children(city)} == BAOTOU_DISTRICTS
    parent_code = {path: code for _, code, _, path, _, _ in areas}
    children = Counter(path[:-4] for _, _, _, path, _, _ in areas if len(path) > 4)
    for kind, code, _, path, depth, numchild in areas:
        parent = parent_code.get(path[:-4])
        assert depth == len(path) // 4
        assert numchild == children[path]
        if kind == AreaKind.STREET:
            assert (
                re.fullmatch(r"\d{12}", code) and code.startswith(parent) and code.endswith("000")
            )
        elif kind == AreaKind.COMMUNITY:
            assert re.fullmatch(r"\d{12}", code) and code[:9] == parent[:9]
        elif kind == AreaKind.GRID:
            assert re.fullmatch(r"\d{15}", code) and code[:12] == parent
    assert Household.objects.count() == round(FULL_HOUSEHOLDS * 0.0001) == stats.households


def test_the_plan_is_the_same_tree_whatever_subset_is_generated():
    # given
    full = {node.code: node.path for node in plan_area_tree()}

    # when
    subset = plan_area_tree(["150205", "150206"])

    # then: a subset keeps the codes and paths it has in the whole city
    assert {node.code: node.path for node in subset}.items() <= full.items()
    assert {node.code[:6] for node in subset} == {"150200", "150205", "150206"}
    with pytest.raises(ApplicationError):
        plan_area_tree(["999999"])


def test_the_generated_tree_is_a_valid_treebeard_tree(db):
    # given
    city_generate(scale=0.002, seed=1, districts=["150205", "150206"])

    # when
    problems = Area.objects.find_problems()
    tree = list(Area.objects.get_tree())
    city = Area.objects.get(kind=AreaKind.CITY)
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()

    # then: treebeard finds nothing wrong and can keep adding nodes after the bulk insert
    assert problems == ([], [], [], [], [])
    assert len(tree) == Area.objects.count()
    assert [a.name for a in Area.objects.get_children(city)] == ["石拐区", "白云鄂博矿区"]
    last = Area.objects.get_children(community).order_by("path").last()
    grid = area_create(
        parent=community, kind=AreaKind.GRID, code=f"{community.code}999", name="新增网格"
    )
    assert grid.path > last.path and Area.objects.get_parent(grid) == community
    assert Area.objects.find_problems() == ([], [], [], [], [])


def test_one_seed_gives_the_same_people_and_another_seed_does_not(db):
    # given / when
    first = _generated_digest(scale=0.005, seed=42, districts=SMALL)
    again = _generated_digest(scale=0.005, seed=42, districts=SMALL)
    other = _generated_digest(scale=0.005, seed=43, districts=SMALL)

    # then
    assert first == again
    assert first != other
    assert Area.objects.count() == 0  # every run was rolled back


def test_every_id_number_is_valid_unique_and_matches_the_person(db):
    # given
    city_generate(scale=0.005, seed=7, districts=SMALL)
    residents = list(Resident.objects.select_related("household"))

    # when
    numbers = [r.id_number for r in residents]

    # then: GB 11643 check digit, district region code, birth date and gender agree
    assert len(residents) > 100
    assert len(set(numbers)) == len(numbers)
    for resident, number in zip(residents, numbers, strict=True):
        assert normalize_id_number(number) == number
        assert number[:6] == "150206"
        assert birth_date_from_id(number) == resident.birth_date
        assert gender_from_id(number) == resident.gender
        assert resident.id_number_index == crypto.blind_index(number, purpose="id")
        assert number not in resident.id_number_enc
        assert resident.area_path == resident.household.area_path
        if resident.phone:
            assert re.fullmatch(r"1[3-9]\d{9}", resident.phone)
            assert resident.phone_index == crypto.blind_index(resident.phone, purpose="phone")
    assert {r.relation for r in residents} >= {"self", "spouse", "child"}
    assert Household.objects.filter(residents__relation="self").distinct().count() == (
        Household.objects.count()
    )


def test_people_live_in_buildings_of_their_grid_with_a_care_tag_mix(db):
    # given
    stats = city_generate(scale=0.02, seed=4, districts=SMALL)

    # when
    households = list(Household.objects.select_related("building", "grid"))
    tagged = Resident.objects.filter(care_tags__isnull=False).distinct().count()
    weekly = Resident.objects.filter(care_tags__cadence="weekly").count()
    monthly = Resident.objects.filter(care_tags__cadence="monthly").count()
    ethnicities = Counter(Resident.objects.values_list("ethnicity", flat=True))

    # then
    assert all(h.building.grid_id == h.grid_id == h.building.grid.id for h in households)
    assert all(h.area_path == h.grid.path and h.code.startswith(h.grid.code) for h in households)
    assert Building.objects.exclude(area_path__in=Area.objects.values("path")).count() == 0
    assert Estate.objects.count() == stats.estates > 0
    assert tagged == stats.tagged_residents
    # ~950 residents: the share is 5% within about 3.5 standard deviations
    assert abs(tagged / stats.residents - CARE_TAG_SHARE) < 0.025
    assert 0 < weekly < monthly
    assert ethnicities.most_common(1)[0][0] == "汉族"
    assert {"蒙古族", "回族", "满族"} <= set(ethnicities)
    assert 2.4 < stats.residents / stats.households < 3.0


def test_a_point_inside_a_grid_polygon_locates_to_that_grid(db):
    # given
    city_generate(scale=0, seed=1, districts=["150205", "150206"])
    grids = list(Area.objects.filter(kind=AreaKind.GRID).order_by("path"))

    for grid in grids[::7]:
        # when: the centre of its rectangle, in WGS84 and as Baidu would send it
        lat = (grid.min_lat + grid.max_lat) / 2
        lng = (grid.min_lng + grid.max_lng) / 2
        bd_lat, bd_lng = gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))

        # then
        assert area_locate_point(lat=lat, lng=lng) == grid
        assert area_locate_point(lat=bd_lat, lng=bd_lng, system="bd09") == grid
    assert area_locate_point(lat=40.0, lng=109.0) is None


def test_users_exist_for_every_role_and_cannot_log_in_until_activated(db):
    # given
    city_generate(scale=0.005, seed=5, districts=SMALL)
    populated = Area.objects.filter(kind=AreaKind.GRID, households__isnull=False)
    communities = {path[:16] for path in populated.values_list("path", flat=True)}
    grids = {
        pk
        for pk, path in Area.objects.filter(kind=AreaKind.GRID).values_list("id", "path")
        if path[:16] in communities
    }

    # when
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    worked_grids = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list("area_id", flat=True)
    )

    # then
    assert roles == set(Role.values)
    # and grid workers work exactly the grids of the communities where people live
    assert worked_grids == grids
    assert len(communities) < Area.objects.filter(kind=AreaKind.COMMUNITY).count()
    assert Department.objects.filter(name="城管局").exists()
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert User.objects.filter(is_staff=True).count() == (
        User.objects.exclude(role_assignments__role=Role.RESIDENT).count()
    )


def test_generating_into_a_database_with_areas_is_refused_and_changes_nothing(db):
    # given
    city_generate(scale=0.005, seed=5, districts=SMALL)
    before = (Area.objects.count(), Resident.objects.count(), User.objects.count())

    # when / then
    with pytest.raises(ApplicationError):
        city_generate(scale=0.005, seed=6, districts=SMALL)
    assert (Area.objects.count(), Resident.objects.count(), User.objects.count()) == before


def test_new_rows_after_generation_get_fresh_ids(db):
    # given
    city_generate(scale=0.005, seed=5, districts=SMALL)
    grid = Area.objects.filter(kind=AreaKind.GRID).order_by("path").first()
    last_resident = Resident.objects.order_by("-id").first().id

    # when
    resident = make_resident(make_household(grid), name="新居民")

    # then
    assert resident.id > last_resident
    assert CareTag.objects.count() >= 11


@override_settings(WANGGE_DEMO=True)
def test_the_demo_logins_work_on_the_generated_city(db):
    # given
    call_command("generate_city", scale=0.002, seed=42, districts="150206", verbosity=0)

    # when
    rows = demo_accounts_ensure()
    grid_worker = User.objects.get(username="gridworker")

    # then: every role has a login and the demo grid worker's grid has people
    assert {role for _username, role, _where in rows} == {str(role.label) for role in Role}
    assert resident_list_visible_to(user=grid_worker).count() > 0


def test_the_command_reports_what_it_made_and_refuses_unknown_districts(db, capsys):
    # when
    call_command("generate_city", scale=0.001, seed=1, districts="150206")

    # then
    assert "已生成演示城市" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("generate_city", districts="123456")


def test_the_bulk_tables_keep_all_their_indexes_and_foreign_keys(db):
    # given
    tables = [
        Household._meta.db_table,
        Resident._meta.db_table,
        Resident.care_tags.through._meta.db_table,
    ]

    def constraints() -> dict:
        with connection.cursor() as cursor:
            return {
                table: {
                    name: (tuple(c["columns"]), c["unique"], c["index"], c["foreign_key"])
                    for name, c in connection.introspection.get_constraints(cursor, table).items()
                }
                for table in tables
            }

    before = constraints()

    # when: on PostgreSQL the load drops them and builds them again
    city_generate(scale=0.005, seed=5, districts=SMALL)

    # then
    assert constraints() == before
    assert any(fk for table in before.values() for *_, fk in table.values())
