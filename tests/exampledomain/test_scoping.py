"""ScopedModel: a domain's rows filtered to a user's scope, with the roles always named."""

import pytest
from django.db import models
from django.test.utils import isolate_apps

from tests.exampledomain.models import Bench
from tests.exampledomain.permissions import BENCH_READ_ROLES
from wangge.accounts.models import Role
from wangge.accounts.scoping import ScopedModel, check_scoped_models_indexed, scoped_index_errors
from wangge.areas.models import Area, AreaKind
from wangge.testing import grids, make_user


def _bench(grid, name):
    return Bench.objects.create(grid=grid, area_path=grid.path, name=name)


def test_filter_to_scope_without_roles_fails_loudly(city):
    # given a worker of one grid
    grid = grids()[0]
    worker = make_user(Role.GRID_WORKER, grid)
    # when a domain forgets to say which roles see its rows / then it fails at once
    with pytest.raises(TypeError, match="roles"):
        Bench.objects.filter_to_scope(worker)


def test_a_grid_worker_sees_the_benches_of_their_grid_only(city):
    # given a bench in each of two grids and a worker of the first grid
    grid_a, grid_b = grids()[:2]
    bench_a, _ = _bench(grid_a, "东门长椅"), _bench(grid_b, "西门长椅")
    worker = make_user(Role.GRID_WORKER, grid_a)
    # when the worker's benches are listed
    seen = list(Bench.objects.filter_to_scope(worker, roles=BENCH_READ_ROLES))
    # then only the bench of their grid shows
    assert seen == [bench_a]


def test_community_staff_see_every_grid_of_their_community(city):
    # given benches in both grids of one community
    grid_a, grid_b = grids()[:2]
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    assert grid_a.path.startswith(community.path) and grid_b.path.startswith(community.path)
    benches = {_bench(grid_a, "一号"), _bench(grid_b, "二号")}
    staff = make_user(Role.COMMUNITY_STAFF, community)
    # when listed / then both show
    assert set(Bench.objects.filter_to_scope(staff, roles=BENCH_READ_ROLES)) == benches


def test_a_role_outside_the_named_roles_sees_nothing(city):
    # given a street officer whose role this domain did not name
    grid = grids()[0]
    _bench(grid, "东门长椅")
    street = Area.objects.filter(kind=AreaKind.STREET).order_by("path").first()
    officer = make_user(Role.STREET_STAFF, street)
    # when listed with the domain's roles / then nothing shows, not the registry's roles
    assert list(Bench.objects.filter_to_scope(officer, roles=BENCH_READ_ROLES)) == []


def test_filter_to_scope_chains_after_other_filters(city):
    # given a broken and a whole bench in the worker's grid
    grid = grids()[0]
    broken = Bench.objects.create(grid=grid, area_path=grid.path, name="坏", broken=True)
    _bench(grid, "好")
    worker = make_user(Role.GRID_WORKER, grid)
    # when filtered first by state, then to scope
    seen = list(Bench.objects.filter(broken=True).filter_to_scope(worker, roles=BENCH_READ_ROLES))
    # then
    assert seen == [broken]


def test_every_scoped_table_has_an_index_leading_with_area_path():
    # given the installed scoped models / when checked / then no error
    assert check_scoped_models_indexed() == []


@isolate_apps("tests.exampledomain")
def test_a_scoped_table_without_an_area_path_index_is_refused():
    # given a scoped model that dropped ScopedModel's index and added none of its own
    class Lamp(ScopedModel):
        area_path = models.CharField(max_length=255)

        class Meta:
            app_label = "exampledomain"

    # when the system checks run on it
    errors = scoped_index_errors([Lamp, Bench])
    # then it is named
    assert [(e.id, e.obj) for e in errors] == [("wangge.E101", Lamp)]
