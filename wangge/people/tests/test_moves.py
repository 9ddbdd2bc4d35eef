"""Moves of buildings and estates: the registry's scope copies follow, and both the old
and the new place must be the mover's."""

import pytest

from wangge.accounts.models import Role
from wangge.areas.models import Area, Building, Estate
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.people.services import building_move, estate_move, household_move
from wangge.testing import grids, make_household, make_resident, make_user


def street_staff_of(grid: Area):
    street = Area.objects.get(kind="street", path=grid.path[: 3 * Area.steplen])
    return make_user(Role.STREET_STAFF, street)


def test_building_move_is_refused_into_another_street(city):
    # given a building in the first street and a grid of the last one
    first, far = grids()[0], grids()[-1]
    building = Building.objects.create(grid=first, name="1号楼")
    resident = make_resident(make_household(first))
    # when its street officer moves it out of their street
    with pytest.raises(NotFoundOrForbidden):
        building_move(actor=street_staff_of(first), building=building, grid=far)
    # then nothing moved
    building.refresh_from_db()
    resident.refresh_from_db()
    assert building.area_path == first.path and resident.area_path == first.path


def test_building_move_lets_go_of_an_estate_of_the_old_grid(city):
    first, second = grids()[0], grids()[1]
    estate = Estate.objects.create(grid=first, name="老小区")
    building = Building.objects.create(grid=first, estate=estate, name="2号楼")
    household = make_household(first)
    household.building = building
    household.save()
    building_move(actor=street_staff_of(first), building=building, grid=second)
    building.refresh_from_db()
    household.refresh_from_db()
    assert building.estate_id is None and building.area_path == second.path
    assert household.grid_id == second.pk and household.building_id == building.pk


def test_estate_move_needs_every_building_in_scope(city):
    first, far = grids()[0], grids()[-1]
    estate = Estate.objects.create(grid=first, name="跨区小区")
    Building.objects.create(grid=far, estate=estate, name="外楼")  # inconsistent data
    with pytest.raises(NotFoundOrForbidden):
        estate_move(actor=street_staff_of(first), estate=estate, grid=grids()[1])
    estate.refresh_from_db()
    assert estate.grid_id == first.pk


def test_household_move_keeps_a_building_only_of_the_new_grid(city):
    first, second = grids()[0], grids()[1]
    household = make_household(first)
    wrong = Building.objects.create(grid=first, name="旧楼")
    with pytest.raises(ApplicationError, match="楼栋不在该网格内"):
        household_move(
            actor=street_staff_of(first), household=household, grid=second, building=wrong
        )
    household.refresh_from_db()
    assert household.grid_id == first.pk
