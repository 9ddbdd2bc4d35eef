"""The scope rule: a user sees exactly the subtrees their roles sit on — through
selectors, pages, API and admin alike. Out of scope answers 404."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.people.models import Resident
from wangge.people.selectors import care_tag_counts, resident_list_visible_to
from wangge.testing import build_city, grids, make_household, make_resident, make_user

SCOPED_ROLES = [Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF,
                Role.DISTRICT_OFFICER, Role.CITY_OFFICER]


@pytest.fixture
def populated_city(db):
    city = build_city(districts=2, streets=2, communities=2, grids=2)
    for index, grid in enumerate(grids()):
        household = make_household(grid)
        make_resident(household, name=f"居民{index}")
    return city


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_scope_rule_holds_for_random_assignments(populated_city, data):
    # given a user holding 1–3 random roles on random nodes of the tree
    nodes = list(Area.objects.order_by("path"))
    picks = data.draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(SCOPED_ROLES)),
                               min_size=1, max_size=3))
    user = make_user()
    from wangge.accounts.services import role_assign

    for node, role in picks:
        role_assign(actor=None, user=user, role=role, area=node)
    # when we list residents as that user
    visible = set(resident_list_visible_to(user=user).values_list("id", flat=True))
    # then exactly the residents under one of those nodes are visible
    expected = {
        resident.id for resident in Resident.objects.all()
        if any(resident.area_path.startswith(node.path) for node, _ in picks)
    }
    assert visible == expected


def test_user_without_roles_sees_nothing(populated_city):
    user = make_user()
    assert resident_list_visible_to(user=user).count() == 0


def test_street_totals_are_the_sum_over_their_street_only(populated_city):
    # given a street officer and a city officer
    street = Area.objects.filter(kind=AreaKind.STREET).order_by("path").first()
    street_user = make_user(Role.STREET_STAFF, street)
    from wangge.people.models import CareTag

    tag = CareTag.objects.get(code="low_income")
    for resident in Resident.objects.all():
        resident.care_tags.add(tag)
    # when both count residents by care tag
    street_counts = {row["code"]: row["total"] for row in care_tag_counts(user=street_user)}
    # then the street sees only its own residents: 2 communities × 2 grids × 1 resident
    in_street = Resident.objects.filter(area_path__startswith=street.path).count()
    assert in_street == 4
    assert street_counts["low_income"] == 4


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_scope_rule_holds_for_random_trees_and_users(db, data):
    from django.db import transaction

    from wangge.accounts.services import role_assign

    with transaction.atomic():
        # given a tree of random shape with one resident per grid
        shape = {
            "districts": data.draw(st.integers(1, 2)),
            "streets": data.draw(st.integers(1, 2)),
            "communities": data.draw(st.integers(1, 2)),
            "grids": data.draw(st.integers(1, 3)),
        }
        build_city(**shape)
        for index, grid in enumerate(grids()):
            make_resident(make_household(grid), name=f"居民{index}")
        nodes = list(Area.objects.order_by("path"))
        # and users holding random roles on random nodes
        users = []
        for _ in range(data.draw(st.integers(1, 3))):
            user = make_user()
            picks = data.draw(st.lists(
                st.tuples(st.sampled_from(nodes), st.sampled_from(SCOPED_ROLES)),
                min_size=0, max_size=3))
            for node, role in picks:
                role_assign(actor=None, user=user, role=role, area=node)
            users.append((user, picks))
        # then each sees exactly the residents under their nodes, in lists and in counts
        for user, picks in users:
            visible = set(resident_list_visible_to(user=user).values_list("id", flat=True))
            expected = {
                resident.id for resident in Resident.objects.all()
                if any(resident.area_path.startswith(node.path) for node, _ in picks)
            }
            assert visible == expected
            assert resident_list_visible_to(user=user).count() == len(expected)
        transaction.set_rollback(True)
