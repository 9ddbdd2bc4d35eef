"""Distances from homes to facilities and the greedy choice of new sites (no database).

``nearest_distances`` answers, for one facility type, every home's distance to the
nearest facility: by the network when there is one (one multi-source run), otherwise in
a straight line (then every figure says so). ``greedy_sites`` picks the k candidate
sites that cover the most residents not yet covered (greedy maximum coverage with lazy
evaluation: a candidate's gain only shrinks as sites are chosen, so a stale gain is an
upper bound and only the top of the heap is ever re-evaluated).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .network import INF, Graph, project


@dataclass
class Homes:
    lat: np.ndarray
    lng: np.ndarray
    weight: np.ndarray  # residents


@dataclass
class Snapped:
    node: np.ndarray  # -1: not within the snap distance
    offset: np.ndarray  # metres from the point to its node


def snap_points(graph: Graph, lat, lng, max_distance: float) -> Snapped:
    node, offset = graph.snap(np.asarray(lat, dtype=float), np.asarray(lng, dtype=float), max_distance)
    return Snapped(node=node, offset=offset)


def network_distances(graph: Graph, homes: Snapped, facilities: Snapped, limit: float = INF):
    """Each home's network distance to its nearest facility, snap lengths at both ends
    included (inf when none is reachable within ``limit``, or when the home or every
    facility is off the network)."""
    ok = facilities.node >= 0
    out = np.full(len(homes.node), INF)
    if not ok.any():
        return out
    dist = graph.nearest_source(facilities.node[ok], facilities.offset[ok], limit=limit)
    on = homes.node >= 0
    out[on] = dist[homes.node[on]] + homes.offset[on]
    return out


def straight_distances(origin, home_lat, home_lng, fac_lat, fac_lng):
    """Each home's straight-line distance to its nearest facility (no network loaded)."""
    if len(fac_lat) == 0:
        return np.full(len(home_lat), INF)
    tree = cKDTree(project(fac_lat, fac_lng, *origin))
    dist, _ = tree.query(project(home_lat, home_lng, *origin), k=1)
    return dist


# ---------------------------------------------------------------------- greedy sites


def _morton(ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    """Z-order of integer cells, so consecutive candidates lie close together."""
    code = np.zeros(len(ix), dtype=np.int64)
    for bit in range(20):
        code |= ((ix >> bit) & 1) << (2 * bit)
        code |= ((iy >> bit) & 1) << (2 * bit + 1)
    return code


def reach_of_candidates(graph: Graph, homes: Snapped, candidates: Snapped, threshold: float,
                        chunk: int = 48) -> list[np.ndarray]:
    """For each candidate site, the indices of the homes within ``threshold`` of it by the
    network. Candidates go in spatial chunks (Z-order); each chunk runs one Dijkstra with
    all its candidates as sources on the sub-graph of nodes within ``threshold`` of its box
    (a network path is never shorter than the straight line), and the homes reached are
    picked with array operations."""
    from scipy.sparse.csgraph import dijkstra

    result: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(candidates.node)
    valid = np.nonzero(candidates.node >= 0)[0]
    on = np.nonzero(homes.node >= 0)[0]
    if len(valid) == 0 or len(on) == 0:
        return result
    xy = graph.xy(graph.lat, graph.lng)
    by_x = np.argsort(xy[:, 0], kind="stable")
    sorted_x = xy[by_x, 0]
    cxy = xy[candidates.node[valid]]
    cell = (cxy - cxy.min(axis=0)) // threshold
    order = valid[np.argsort(_morton(cell[:, 0].astype(np.int64), cell[:, 1].astype(np.int64)), kind="stable")]
    home_nodes = homes.node[on]
    home_offset = homes.offset[on]
    for start in range(0, len(order), chunk):
        group = order[start:start + chunk]
        gnodes = candidates.node[group]
        lo = xy[gnodes].min(axis=0) - threshold
        hi = xy[gnodes].max(axis=0) + threshold
        band = by_x[np.searchsorted(sorted_x, lo[0]):np.searchsorted(sorted_x, hi[0], side="right")]
        local = np.sort(band[(xy[band, 1] >= lo[1]) & (xy[band, 1] <= hi[1])])
        position = np.searchsorted(local, home_nodes).clip(0, len(local) - 1)
        inside = local[position] == home_nodes
        if not inside.any():
            continue
        sub = graph.adjacency[local][:, local]
        dist = dijkstra(sub, directed=True, indices=np.searchsorted(local, gnodes), limit=threshold)
        total = dist[:, position[inside]] + home_offset[inside][None, :] + candidates.offset[group][:, None]
        which = on[inside]
        for row, cand in enumerate(group.tolist()):
            result[cand] = which[total[row] <= threshold]
    return result


def greedy_sites(reach: list[np.ndarray], weight: np.ndarray, covered: np.ndarray, k: int):
    """The k candidates (indices into ``reach``) that add the most weight not yet covered,
    with the weight each adds, by lazy greedy (CELF)."""
    covered = covered.copy()

    def gain(c: int) -> float:
        h = reach[c]
        return float(weight[h][~covered[h]].sum()) if len(h) else 0.0

    heap = [(-gain(c), c, 0) for c in range(len(reach))]
    heapq.heapify(heap)
    chosen: list[tuple[int, float]] = []
    round_ = 0
    while heap and len(chosen) < k:
        neg, c, seen = heapq.heappop(heap)
        if seen == round_:
            if -neg <= 0:
                break
            chosen.append((c, -neg))
            covered[reach[c]] = True
            round_ += 1
        else:
            heapq.heappush(heap, (-gain(c), c, round_))
    return chosen
