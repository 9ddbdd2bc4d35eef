"""The notices extension point: the example domain's notices module is found and its
notices reach the grid worker of the bench's grid, once, and nobody else."""

import pytest

from tests.exampledomain.models import Bench
from wangge.notifications import registry
from wangge.notifications.models import Notice
from wangge.notifications.services import notices_scan_deadlines
from wangge.testing import Role, grids, make_user

pytestmark = pytest.mark.django_db


def test_the_example_source_is_registered_without_a_shared_file_naming_it():
    assert "exampledomain" in registry.DEADLINE_SOURCES
    assert registry.kind_label("bench_broken") == "长椅损坏"


def test_a_broken_bench_tells_its_grid_worker_once(city):
    grid, other = grids()[:2]
    worker = make_user(Role.GRID_WORKER, grid, username="bench_gw")
    make_user(Role.GRID_WORKER, other, username="other_gw")
    Bench.objects.create(grid=grid, area_path=grid.path, name="东门长椅", broken=True)
    notices_scan_deadlines()
    notices_scan_deadlines()
    assert list(Notice.objects.values_list("recipient__username", "title")) == [
        ("bench_gw", "长椅“东门长椅”损坏，请安排维修")
    ]
    assert worker.notices.count() == 1
