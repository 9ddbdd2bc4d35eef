"""A hand-checkable fixture: one east-west street of 31 nodes, 100 m apart (declared
lengths), through grid 1 (lng 109.80–109.81) and grid 2 (109.82–109.83) of community 1,
with buildings on known nodes (docs/domain.md, the 15-minute circle)."""

from dataclasses import dataclass

import numpy as np
import pytest

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind, Building
from wangge.facilities.models import Facility, FacilityType
from wangge.facilities.network import build_graph, network_dir
from wangge.facilities.services import catalogue_ensure, network_register
from wangge.testing.areas import build_city
from wangge.testing.people import ResidentFactory, make_household
from wangge.testing.users import make_user

LAT = 40.505


def node_lng(i: int) -> float:
    return round(109.800 + i * 0.001, 6)


@dataclass
class Street:
    grid1: Area
    grid2: Area
    community: Area
    other_community: Area
    center: Facility
    staff: object
    other_staff: object


def home(grid, name, lat, lng, residents):
    building = Building.objects.create(grid=grid, name=name, lat=lat, lng=lng)
    household = make_household(grid)
    household.building = building
    household.save()
    for _ in range(residents):
        ResidentFactory(household=household)
    return building


def street_graph():
    n = 31
    return build_graph([LAT] * n, [node_lng(i) for i in range(n)], np.arange(n - 1), np.arange(1, n), [100.0] * (n - 1))


def load_street():
    graph = street_graph()
    directory = network_dir()
    directory.mkdir(parents=True, exist_ok=True)
    graph.save(directory / "street.npz")
    return network_register(name="test street", path="street.npz", graph=graph)


@pytest.fixture
def street(db) -> Street:
    return make_street()


def make_street() -> Street:
    catalogue_ensure()
    build_city(districts=1, streets=1, communities=2, grids=2)
    grids = list(Area.objects.filter(kind=AreaKind.GRID).order_by("path"))
    communities = list(Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path"))
    grid1, grid2 = grids[0], grids[1]
    home(grid1, "1号楼", LAT, node_lng(2), 10)   # 200 m from the centre
    home(grid1, "2号楼", LAT, node_lng(9), 5)    # 900 m
    home(grid1, "远楼", 40.509, node_lng(5), 4)  # ~445 m north of the street: off the network
    home(grid2, "3号楼", LAT, node_lng(20), 7)   # 2000 m
    home(grid2, "4号楼", LAT, node_lng(25), 3)   # 2500 m
    center = Facility.objects.create(
        facility_type=FacilityType.objects.get(code="party_center"), area=grid1, area_path=grid1.path,
        name="一号党群服务中心", lat=LAT, lng=node_lng(0))
    staff = make_user(Role.COMMUNITY_STAFF, communities[0])
    other = make_user(Role.COMMUNITY_STAFF, communities[1])
    return Street(grid1, grid2, communities[0], communities[1], center, staff, other)
