"""The graph: parallel edges, disk format, snapping, one multi-source run; coordinates."""

import math
import time

import numpy as np
import pytest

from wangge.areas.geo import gcj02_to_bd09, wgs84_to_gcj02
from wangge.core.errors import ApplicationError
from wangge.facilities.access import Snapped, greedy_sites, network_distances
from wangge.facilities.network import Graph, build_graph, haversine, synthetic_grid
from wangge.facilities.services import coordinates_wgs84


def test_parallel_edges_and_both_directions_collapse_to_the_shortest():
    graph = build_graph([0, 0, 0], [0, 0.001, 0.002], [0, 1, 0, 1, 2, 2], [1, 0, 1, 2, 1, 2],
                        [50.0, 40.0, 70.0, 30.0, 35.0, 5.0])
    assert graph.edge_count == 2  # (0,1) and (1,2); the self-loop is dropped
    assert graph.adjacency[0, 1] == 40.0 and graph.adjacency[1, 0] == 40.0
    assert graph.adjacency[1, 2] == 30.0


def test_saved_graph_loads_identically_and_fast(tmp_path):
    graph = synthetic_grid(40.6, 109.8, 200, 200, 80.0)
    graph.save(tmp_path / "g.npz")
    started = time.perf_counter()
    again = Graph.load(tmp_path / "g.npz")
    assert time.perf_counter() - started < 1.0
    assert again.node_count == graph.node_count == 40000
    assert (again.adjacency != graph.adjacency).nnz == 0 or np.allclose(
        again.adjacency.toarray()[:50, :50], graph.adjacency.toarray()[:50, :50], atol=1e-3)


def test_multi_source_distance_adds_both_snap_lengths():
    # A 3-node street 100 m + 100 m; a home 10 m off node 2, a facility 5 m off node 0.
    graph = build_graph([0, 0, 0], [0, 0.001, 0.002], [0, 1], [1, 2], [100.0, 100.0])
    homes = Snapped(node=np.array([2, -1]), offset=np.array([10.0, np.inf]))
    facilities = Snapped(node=np.array([0]), offset=np.array([5.0]))
    dist = network_distances(graph, homes, facilities)
    assert dist[0] == pytest.approx(215.0)
    assert math.isinf(dist[1])  # off the network: not silently dropped, but infinite


def test_each_facility_counts_with_its_own_snap_length():
    # Street 0—1—2 (100 m each). Facility A sits 250 m off node 1 (the nearer node by the
    # network), facility B 5 m off node 0: from node 2, B is 205 m away, A 350 m.
    graph = build_graph([0, 0, 0], [0, 0.001, 0.002], [0, 1], [1, 2], [100.0, 100.0])
    homes = Snapped(node=np.array([2, 1]), offset=np.array([0.0, 0.0]))
    facilities = Snapped(node=np.array([1, 0, -1]), offset=np.array([250.0, 5.0, np.inf]))
    assert network_distances(graph, homes, facilities).tolist() == pytest.approx([205.0, 105.0])
    # the limit counts the facility's snap as well: beyond it, inf
    limited = network_distances(graph, homes, facilities, limit=150.0)
    assert math.isinf(limited[0]) and limited[1] == pytest.approx(105.0)
    assert graph.nearest_source([0]).tolist() == pytest.approx([0.0, 100.0, 200.0])


def test_greedy_picks_the_largest_new_coverage_first():
    reach = [np.array([0, 1]), np.array([1, 2, 3]), np.array([3])]
    weight = np.array([5.0, 1.0, 4.0, 4.0])
    covered = np.array([False, False, False, True])
    chosen = greedy_sites(reach, weight, covered, 2)
    assert chosen == [(0, 6.0), (1, 4.0)]


def test_haversine_of_one_degree_of_latitude():
    assert haversine(40.0, 110.0, 41.0, 110.0) == pytest.approx(111_195, rel=1e-3)


@pytest.mark.parametrize("lat,lng", [(40.6571, 109.8403), (39.9087, 116.3975), (22.5431, 114.0579)])
def test_gcj02_and_bd09_input_is_stored_as_wgs84(lat, lng):
    gcj = wgs84_to_gcj02(lat, lng)
    bd = gcj02_to_bd09(*gcj)
    assert gcj != (lat, lng)  # inside China the systems differ by hundreds of metres
    assert haversine(lat, lng, *gcj) > 100
    for system, point in (("gcj02", gcj), ("GCJ-02", gcj), ("bd09", bd), ("wgs84", (lat, lng))):
        back = coordinates_wgs84(*point, system)
        assert haversine(lat, lng, *back) < 0.5, system


def test_known_gcj02_offset_near_tiananmen():
    # WGS-84 (39.9087, 116.3975) is shown by AMap at about (39.91010, 116.40375).
    glat, glng = wgs84_to_gcj02(39.9087, 116.3975)
    assert glat == pytest.approx(39.91010, abs=2e-4) and glng == pytest.approx(116.40375, abs=2e-4)


def test_unknown_system_and_bad_numbers_are_refused():
    with pytest.raises(ApplicationError):
        coordinates_wgs84(40, 110, "utm")
    with pytest.raises(ApplicationError):
        coordinates_wgs84("x", 110, "wgs84")
    with pytest.raises(ApplicationError):
        coordinates_wgs84(95, 110, "wgs84")
