"""The walking network as a compact sparse graph, and the distances computed on it.

A network is nodes (WGS-84 lat/lng) and undirected edges with their real lengths in
metres. It is kept on disk as one ``.npz`` file (CSR arrays plus the node coordinates and
the edge list for the basemap), so a worker loads a city's graph with ``np.load`` in well
under a second and keeps it in memory (``graph_cached``).

Distances (docs/domain.md, "The 15-minute service circle"):
- a point (home, facility, tapped spot) snaps to the nearest node within the snap
  distance, found with ``scipy.spatial.cKDTree`` on coordinates projected to metres;
  its snap length is added to the network distance;
- every home's distance to the nearest facility of a type is ONE shortest-path run
  (``scipy.sparse.csgraph.dijkstra(limit=…)``) from a virtual node joined to every
  facility's node by an edge of that facility's snap length, so each home gets the exact
  minimum of (facility snap + network + home snap) over all facilities.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

EARTH_RADIUS = 6_371_008.8
INF = np.inf


def project(lat, lng, lat0: float, lng0: float):
    """Equirectangular projection to metres around (lat0, lng0): exact enough for a city
    (under 0.1 % within 50 km) and vectorised."""
    lat = np.asarray(lat, dtype=np.float64)
    lng = np.asarray(lng, dtype=np.float64)
    k = math.pi / 180.0 * EARTH_RADIUS
    x = (lng - lng0) * k * math.cos(math.radians(lat0))
    y = (lat - lat0) * k
    return np.column_stack([x, y])


def haversine(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres (arrays or scalars)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lng2) - np.asarray(lng1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS * np.arcsin(np.sqrt(a))


@dataclass
class Graph:
    """Nodes and a symmetric CSR adjacency of edge lengths (metres)."""

    lat: np.ndarray
    lng: np.ndarray
    adjacency: csr_matrix
    edge_u: np.ndarray | None = field(default=None, repr=False)  # the edges once (basemap)
    edge_v: np.ndarray | None = field(default=None, repr=False)
    _tree: cKDTree | None = field(default=None, repr=False)
    _origin: tuple[float, float] | None = field(default=None, repr=False)

    @property
    def node_count(self) -> int:
        return len(self.lat)

    @property
    def edge_count(self) -> int:
        return self.adjacency.nnz // 2

    @property
    def origin(self) -> tuple[float, float]:
        if self._origin is None:
            self._origin = (float(np.mean(self.lat)), float(np.mean(self.lng)))
        return self._origin

    def xy(self, lat, lng):
        return project(lat, lng, *self.origin)

    @property
    def tree(self) -> cKDTree:
        if self._tree is None:
            self._tree = cKDTree(self.xy(self.lat, self.lng))
        return self._tree

    def snap(self, lat, lng, max_distance: float):
        """(node index, snap length in metres) of each point; node -1 beyond max_distance."""
        if len(np.atleast_1d(lat)) == 0 or self.node_count == 0:
            n = len(np.atleast_1d(lat))
            return np.full(n, -1, dtype=np.int64), np.full(n, INF)
        dist, idx = self.tree.query(self.xy(lat, lng), k=1, distance_upper_bound=max_distance)
        idx = np.where(np.isfinite(dist), idx, -1).astype(np.int64)
        return idx, dist

    def nearest_source(self, sources, offsets=None, limit: float = INF) -> np.ndarray:
        """Every node's distance to its nearest source, each source starting at its own
        ``offset`` (its snap length; 0 by default): min over the sources of offset + network
        distance, exact, in ONE run from a virtual node joined to each source by an edge of
        its offset. Nodes beyond ``limit`` (counted with the offset) are inf."""
        sources = np.asarray(sources, dtype=np.int64)
        n = self.node_count
        if len(sources) == 0:
            return np.full(n, INF)
        offsets = np.zeros(len(sources)) if offsets is None else np.asarray(offsets, dtype=np.float64)
        adjacency = self.adjacency
        # The virtual node is row n, appended after the last row: its edges go at the end
        # of the CSR arrays (explicit zeros are edges to csgraph). The adjacency is
        # symmetric by construction, so directed=True reads it once (faster).
        augmented = csr_matrix(
            (np.concatenate([adjacency.data, offsets]),
             np.concatenate([adjacency.indices, sources.astype(adjacency.indices.dtype)]),
             np.append(adjacency.indptr, adjacency.indptr[-1] + len(sources))),
            shape=(n + 1, n + 1),
        )
        return dijkstra(augmented, directed=True, indices=n, limit=limit)[:n]

    def from_point(self, node: int, limit: float = INF) -> np.ndarray:
        return dijkstra(self.adjacency, directed=True, indices=int(node), limit=limit)

    # ------------------------------------------------------------------ disk
    def save(self, path) -> None:
        upper = self.adjacency.tocoo()
        keep = upper.row < upper.col
        tmp = f"{path}.tmp.npz"
        np.savez(
            tmp,
            lat=self.lat, lng=self.lng,
            indptr=self.adjacency.indptr, indices=self.adjacency.indices,
            data=self.adjacency.data.astype(np.float32),
            edge_u=upper.row[keep].astype(np.int32), edge_v=upper.col[keep].astype(np.int32),
        )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path) -> Graph:
        with np.load(path) as arrays:
            n = len(arrays["lat"])
            adjacency = csr_matrix(
                (arrays["data"].astype(np.float64), arrays["indices"], arrays["indptr"]),
                shape=(n, n),
            )
            return cls(lat=arrays["lat"], lng=arrays["lng"], adjacency=adjacency,
                       edge_u=arrays["edge_u"], edge_v=arrays["edge_v"])


def build_graph(lat, lng, edge_u, edge_v, length) -> Graph:
    """The graph of these nodes and undirected edges. Parallel edges (and both directions
    of one street) collapse to the shortest; self-loops are dropped."""
    lat = np.asarray(lat, dtype=np.float64)
    lng = np.asarray(lng, dtype=np.float64)
    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    w = np.asarray(length, dtype=np.float64)
    keep = (u != v) & np.isfinite(w)
    u, v, w = u[keep], v[keep], np.maximum(w[keep], 0.01)  # 0 would vanish in a sparse matrix
    a, b = np.minimum(u, v), np.maximum(u, v)
    n = len(lat)
    order = np.lexsort((w, b, a))  # per (a, b) the shortest first
    a, b, w = a[order], b[order], w[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, w = a[first], b[first], w[first]
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    data = np.concatenate([w, w])
    adjacency = csr_matrix((data, (rows, cols)), shape=(n, n))
    adjacency.sort_indices()
    return Graph(lat=lat, lng=lng, adjacency=adjacency)


def graph_from_osm(pbf_path) -> Graph:
    """The walking network of an OpenStreetMap extract (``pyrosm``): OSM node ids become
    0..n-1, edge lengths are pyrosm's (metres along the way's geometry)."""
    from pyrosm import OSM

    nodes, edges = OSM(str(pbf_path)).get_network(network_type="walking", nodes=True)
    ids = nodes["id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids)
    ids = ids[order]
    lat = nodes["lat"].to_numpy(dtype=np.float64)[order]
    lng = nodes["lon"].to_numpy(dtype=np.float64)[order]
    u = edges["u"].to_numpy(dtype=np.int64)
    v = edges["v"].to_numpy(dtype=np.int64)
    pu = np.searchsorted(ids, u).clip(0, len(ids) - 1)
    pv = np.searchsorted(ids, v).clip(0, len(ids) - 1)
    known = (ids[pu] == u) & (ids[pv] == v)
    return build_graph(lat, lng, pu[known], pv[known], edges["length"].to_numpy()[known])


def synthetic_grid(lat0: float, lng0: float, rows: int, cols: int, spacing: float, *,
                   seed: int = 1, drop: float = 0.08) -> Graph:
    """A generated street grid (demo and bench): rows × cols nodes ``spacing`` metres
    apart, jittered, with a share of blocks merged (edges dropped)."""
    rng = np.random.default_rng(seed)
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    y = r.ravel() * spacing + rng.normal(0, spacing * 0.08, rows * cols)
    x = c.ravel() * spacing + rng.normal(0, spacing * 0.08, rows * cols)
    k = math.pi / 180.0 * EARTH_RADIUS
    lat = lat0 + y / k
    lng = lng0 + x / (k * math.cos(math.radians(lat0)))
    ids = np.arange(rows * cols).reshape(rows, cols)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    keep = rng.random(len(u)) >= drop
    u, v = u[keep], v[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    return build_graph(lat, lng, u, v, length)


# ---------------------------------------------------------------------- worker cache
_CACHE: dict[str, tuple[float, Graph]] = {}


def graph_cached(path) -> Graph | None:
    """The graph at ``path``, loaded once per worker (reloaded when the file changes)."""
    path = str(path)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    hit = _CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    graph = Graph.load(path)
    _CACHE.clear()
    _CACHE[path] = (mtime, graph)
    return graph


def edges_in_box(path, south, west, north, east, limit: int = 20000) -> list:
    """The network's edges in a box as [[lat, lng], [lat, lng]] pairs (the basemap the
    app serves itself); at most about ``limit``."""
    graph = graph_cached(path)
    if graph is None:
        return []
    u, v = graph.edge_u, graph.edge_v
    lat, lng = graph.lat, graph.lng
    inside = (lat >= south) & (lat <= north) & (lng >= west) & (lng <= east)
    pick = np.nonzero(inside[u] | inside[v])[0]
    if len(pick) > limit:  # zoomed out over a big city: an even sample of the ways
        pick = pick[:: math.ceil(len(pick) / limit)]
    return [
        [[round(float(lat[a]), 6), round(float(lng[a]), 6)], [round(float(lat[b]), 6), round(float(lng[b]), 6)]]
        for a, b in zip(u[pick], v[pick], strict=True)
    ]


def network_dir():
    """Where the network file lives (settings.WANGGE_FACILITY_NETWORK_DIR, else MEDIA_ROOT/network)."""
    from pathlib import Path

    from django.conf import settings

    return Path(settings.WANGGE_FACILITY_NETWORK_DIR or Path(settings.MEDIA_ROOT) / "network")
