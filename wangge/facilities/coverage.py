"""The 15-minute service circle over the database: homes, facilities, the current
network, and the per-building rows the indicators roll up (docs/domain.md).

``recompute`` is what the Celery task runs after facilities or the network change;
``evaluate`` answers the same question for a draft scenario without writing anything;
``suggest_sites`` is the greedy choice of new sites among candidate locations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from wangge.areas.models import Building

from . import access
from .models import CoverageRun, Facility, FacilityType, HomeAccess, Network
from .network import Graph, graph_cached, network_dir

# Distances are searched up to this many times a type's circle, and at least the
# 15-minute circle (the briefing's 5/10/15-minute shares); farther is "far beyond".
SEARCH_FACTOR = 2.0
# The walking speed the configured circle distances assume (GB 50180-2018's 300/500/1000 m
# for 5/10/15 minutes); a city that sets a slower speed for its older residents shrinks
# every circle in proportion.
STANDARD_WALK_SPEED = 80


def circle_metres(circle: str) -> float:
    base = float({
        "5": settings.WANGGE_FACILITY_CIRCLE_5_METRES,
        "10": settings.WANGGE_FACILITY_CIRCLE_10_METRES,
        "15": settings.WANGGE_FACILITY_CIRCLE_15_METRES,
    }[str(circle)])
    speed = max(1, settings.WANGGE_FACILITY_WALK_SPEED)
    return base * speed / STANDARD_WALK_SPEED


def search_metres(threshold: float) -> float:
    return max(SEARCH_FACTOR * threshold, circle_metres("15"))


def walk_minutes(metres: float) -> int:
    return max(1, round(metres / max(1, settings.WANGGE_FACILITY_WALK_SPEED)))


def current_network() -> Network | None:
    return Network.objects.order_by("-loaded_at", "-id").first()


def current_graph() -> tuple[Network | None, Graph | None]:
    network = current_network()
    if network is None:
        return None, None
    graph = graph_cached(network_dir() / network.path)
    return (network, graph) if graph is not None else (None, None)


@dataclass
class HomeTable:
    building_id: np.ndarray
    area_path: list[str]
    lat: np.ndarray
    lng: np.ndarray
    residents: np.ndarray


def home_table(prefix: str = "") -> HomeTable:
    """Every building with a position and the residents living in it."""
    rows = Building.objects.filter(lat__isnull=False, lng__isnull=False)
    if prefix:
        rows = rows.filter(area_path__startswith=prefix)
    rows = list(
        rows.annotate(people=Count("households__residents")).order_by("id")
        .values_list("id", "area_path", "lat", "lng", "people")
    )
    return HomeTable(
        building_id=np.array([r[0] for r in rows], dtype=np.int64),
        area_path=[r[1] for r in rows],
        lat=np.array([r[2] for r in rows], dtype=float),
        lng=np.array([r[3] for r in rows], dtype=float),
        residents=np.array([r[4] for r in rows], dtype=float),
    )


def _origin(homes: HomeTable) -> tuple[float, float]:
    if len(homes.lat):
        return float(homes.lat.mean()), float(homes.lng.mean())
    return 0.0, 0.0


def distances_for(graph: Graph | None, homes: HomeTable, fac_lat, fac_lng, home_snap=None, limit=None):
    """(distance per home, off-network mask) for one set of facility points. Network runs
    stop at ``limit`` metres (farther homes get inf: "far beyond or unreachable")."""
    fac_lat = np.asarray(fac_lat, dtype=float)
    fac_lng = np.asarray(fac_lng, dtype=float)
    if graph is None:
        dist = access.straight_distances(_origin(homes), homes.lat, homes.lng, fac_lat, fac_lng)
        return dist, np.zeros(len(homes.lat), dtype=bool)
    snap = settings.WANGGE_FACILITY_SNAP_METRES
    if home_snap is None:
        home_snap = access.snap_points(graph, homes.lat, homes.lng, snap)
    fac_snap = access.snap_points(graph, fac_lat, fac_lng, snap)
    limit = float("inf") if limit is None else limit
    return access.network_distances(graph, home_snap, fac_snap, limit=limit), home_snap.node < 0


def coverage_stale() -> bool:
    """A facility changed since the last computation started (or none ran while there are
    facilities): the figures miss a change whose queued recomputation was lost."""
    last = CoverageRun.objects.order_by("-finished_at").first()
    if last is None:
        return Facility.objects.exists()
    started = last.finished_at - timedelta(seconds=last.seconds)
    return Facility.objects.filter(updated_at__gte=started).exists()


def recompute() -> CoverageRun:
    """Every building's distance to the nearest active facility of every active type."""
    started = time.monotonic()
    network, graph = current_graph()
    homes = home_table()
    home_snap = None
    if graph is not None:
        home_snap = access.snap_points(graph, homes.lat, homes.lng, settings.WANGGE_FACILITY_SNAP_METRES)
    rows = []
    off = np.zeros(len(homes.lat), dtype=bool)
    for ftype in FacilityType.objects.filter(active=True):
        points = list(Facility.objects.filter(facility_type=ftype, active=True).values_list("lat", "lng"))
        threshold = circle_metres(ftype.circle)
        dist, off = distances_for(graph, homes, [p[0] for p in points], [p[1] for p in points], home_snap,
                                  limit=search_metres(threshold))
        for i in range(len(homes.lat)):
            d = float(dist[i])
            rows.append(HomeAccess(
                building_id=int(homes.building_id[i]), area_path=homes.area_path[i], facility_type=ftype,
                residents=int(homes.residents[i]), distance=round(d, 1) if np.isfinite(d) else None,
                covered=bool(np.isfinite(d) and d <= threshold), off_network=bool(off[i]),
            ))
    with transaction.atomic():
        HomeAccess.objects.all().delete()
        HomeAccess.objects.bulk_create(rows, batch_size=5000)
        run = CoverageRun.objects.create(
            network=network, straight_line=graph is None, homes=len(homes.lat),
            unsnapped=int(off.sum()) if graph is not None else 0,
            seconds=round(time.monotonic() - started, 3),
        )
    return run


def last_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-finished_at", "-id").first()


# ---------------------------------------------------------------------- what-if


@dataclass
class Evaluation:
    residents: float
    covered: float
    by_area: dict[str, tuple[float, float]]  # area path → (residents, covered)
    straight_line: bool

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.residents, 1) if self.residents else None


def evaluate(ftype: FacilityType, points: list[tuple[float, float]], *, prefix: str = "",
             depth_chars: int | None = None) -> Evaluation:
    """Coverage of ``ftype``'s circle with facilities at ``points`` (nothing is saved).
    ``by_area`` groups homes by the first ``depth_chars`` characters of their path."""
    _network, graph = current_graph()
    homes = home_table(prefix)
    threshold = circle_metres(ftype.circle)
    dist, _off = distances_for(graph, homes, [p[0] for p in points], [p[1] for p in points], limit=threshold)
    inside = np.isfinite(dist) & (dist <= threshold)
    by_area: dict[str, list[float]] = {}
    for i, path in enumerate(homes.area_path):
        key = path[:depth_chars] if depth_chars else path
        cell = by_area.setdefault(key, [0.0, 0.0])
        cell[0] += homes.residents[i]
        cell[1] += homes.residents[i] if inside[i] else 0.0
    return Evaluation(
        residents=float(homes.residents.sum()),
        covered=float(homes.residents[inside].sum()),
        by_area={k: (v[0], v[1]) for k, v in by_area.items()},
        straight_line=graph is None,
    )


def suggest_sites(ftype: FacilityType, points: list[tuple[float, float]], candidates: list[tuple[float, float]],
                  k: int, *, prefix: str = "") -> list[tuple[int, float]]:
    """The k best of ``candidates`` (index, residents newly covered) given facilities at
    ``points``: greedy maximum coverage with lazy evaluation."""
    _network, graph = current_graph()
    homes = home_table(prefix)
    threshold = circle_metres(ftype.circle)
    dist, _off = distances_for(graph, homes, [p[0] for p in points], [p[1] for p in points], limit=threshold)
    covered = np.isfinite(dist) & (dist <= threshold)
    clat = np.array([c[0] for c in candidates], dtype=float)
    clng = np.array([c[1] for c in candidates], dtype=float)
    if graph is None:
        from scipy.spatial import cKDTree

        from .network import project

        origin = _origin(homes)
        tree = cKDTree(project(homes.lat, homes.lng, *origin))
        reach = [np.asarray(r, dtype=np.int64) for r in
                 tree.query_ball_point(project(clat, clng, *origin), threshold)] if len(clat) else []
    else:
        snap = settings.WANGGE_FACILITY_SNAP_METRES
        reach = access.reach_of_candidates(
            graph, access.snap_points(graph, homes.lat, homes.lng, snap),
            access.snap_points(graph, clat, clng, snap), threshold,
        )
    return access.greedy_sites(reach, homes.residents, covered, k)
