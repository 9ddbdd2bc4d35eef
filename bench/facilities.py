"""15-minute circle benchmark: a 1,000,000-node walking network, 2,000 facilities and the
city's buildings, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7bench .venv/bin/python bench/facilities.py --recreate

Steps: generate the city (``city_generate`` at ``--scale``, the demo engine's bulk loader)
unless ``--reuse``; replace the demo's positions with ``--facilities`` positions in the seed
city's proportions at random buildings; generate a ``--nodes`` synthetic street grid over
the city's box and save it as the app's compact graph (``.npz``). Then it prints:

- load: ``Graph.load`` of the saved file (a worker's start) — target well under 1 s;
- distances: for every facility type, every building's network distance to the nearest
  facility (snap + ONE multi-source Dijkstra per type) — target ≤ 2 s for all types;
- end to end: ``coverage.recompute()`` (load graph, read buildings with residents,
  compute, write one row per building and type) plus the roll-up per grid, community,
  street and district (the indicator's SQL grouping) — target ≤ 30 s;
- networkx: the same one-type distances with ``networkx.multi_source_dijkstra_path_length``
  on a ``--nx-nodes`` crop of the graph (the full graph as a Python graph needs several GB),
  against scipy on the same crop; the ratio is printed and the distances compared;
- greedy: the 10 best new sites among ``--candidates`` random nodes (lazy greedy maximum
  coverage over per-candidate reach sets) — target ≤ 30 s.
"""

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, recreate_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def _synthetic_network(nodes: int):
    from wangge.areas.demo_tree import LAT_MAX, LAT_MIN, LNG_MAX, LNG_MIN
    from wangge.facilities.network import EARTH_RADIUS, synthetic_grid

    k = math.pi / 180.0 * EARTH_RADIUS
    height = (LAT_MAX - LAT_MIN) * k
    width = (LNG_MAX - LNG_MIN) * k * math.cos(math.radians(LAT_MIN))
    rows = int(math.sqrt(nodes * height / width))
    cols = nodes // rows
    spacing = height / rows
    return synthetic_grid(LAT_MIN, LNG_MIN, rows, cols, spacing, seed=11)


def _place_facilities(count: int, seed: int) -> None:
    from wangge.areas.models import Building
    from wangge.facilities.catalogue import SEED_COUNTS
    from wangge.facilities.models import Facility, FacilityType, HomeAccess

    rng = random.Random(seed)
    HomeAccess.objects.all().delete()
    Facility.objects.all().delete()
    homes = list(Building.objects.filter(lat__isnull=False).values_list("grid_id", "area_path", "lat", "lng"))
    total = sum(SEED_COUNTS.values())
    rows = []
    for code, n in SEED_COUNTS.items():
        ftype = FacilityType.objects.get(code=code)
        for i in range(max(1, round(count * n / total))):
            grid_id, path, lat, lng = rng.choice(homes)
            rows.append(Facility(facility_type=ftype, area_id=grid_id, area_path=path, name=f"{code}{i}",
                                 lat=lat + rng.uniform(-0.001, 0.001), lng=lng + rng.uniform(-0.001, 0.001)))
    Facility.objects.bulk_create(rows, batch_size=2000)
    print(f"  facilities: {len(rows):,}; buildings: {len(homes):,}", flush=True)


def _networkx_ratio(graph, sources, crop_nodes: int):
    """scipy vs networkx on the same crop of the graph (rows of the grid around the middle)."""
    import networkx as nx
    import numpy as np

    from wangge.facilities.network import Graph

    order = np.argsort(graph.lat)
    middle = len(order) // 2
    keep = np.sort(order[max(0, middle - crop_nodes // 2): middle + crop_nodes // 2])
    sub = graph.adjacency[keep][:, keep].tocsr()
    crop = Graph(lat=graph.lat[keep], lng=graph.lng[keep], adjacency=sub)
    position = {int(n): i for i, n in enumerate(keep.tolist())}
    local_sources = [position[s] for s in sources if s in position] or [0]
    started = time.perf_counter()
    dist = crop.nearest_source(local_sources)
    scipy_s = time.perf_counter() - started
    g = nx.Graph()
    coo = sub.tocoo()
    g.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in zip(coo.row, coo.col, coo.data, strict=True)
                              if a < b)
    started = time.perf_counter()
    nxd = nx.multi_source_dijkstra_path_length(g, set(local_sources), weight="weight")
    nx_s = time.perf_counter() - started
    sample = random.Random(1).sample(list(nxd), min(2000, len(nxd)))
    worst = max(abs(nxd[n] - dist[n]) for n in sample)
    return len(keep), scipy_s, nx_s, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--nx-nodes", type=int, default=200_000, help="size of the crop networkx runs on")
    add_database_arguments(parser, reuse_help="skip generation; use the city in the database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/h7bench")
    if args.recreate:
        recreate_database(url, locale_c=args.locale_c)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q, Sum
    from django.db.models.functions import Left

    settings.DEBUG = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    import numpy as np

    from wangge.areas.models import Area
    from wangge.demo.city import city_generate
    from wangge.facilities import access, coverage
    from wangge.facilities.models import Facility, FacilityType, HomeAccess, Network
    from wangge.facilities.network import Graph, network_dir

    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Area.objects.exists():
            sys.exit("the database already has a city: use --recreate or --reuse")
        started = time.perf_counter()
        city_generate(scale=args.scale, seed=args.seed, progress=lambda m: None)
        print(f"city at scale {args.scale}: {time.perf_counter() - started:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    _place_facilities(args.facilities, args.seed)

    started = time.perf_counter()
    graph = _synthetic_network(args.nodes)
    directory = network_dir()
    directory.mkdir(parents=True, exist_ok=True)
    graph.save(directory / "bench.npz")
    print(f"network: {graph.node_count:,} nodes, {graph.edge_count:,} edges, generated and saved in "
          f"{time.perf_counter() - started:.1f} s ({(directory / 'bench.npz').stat().st_size / 1e6:.0f} MB)",
          flush=True)
    # Registered directly: network_register would queue the recomputation timed below.
    Network.objects.all().delete()
    Network.objects.create(name="bench", path="bench.npz", synthetic=True, nodes=graph.node_count,
                           edges=graph.edge_count, min_lat=float(graph.lat.min()), max_lat=float(graph.lat.max()),
                           min_lng=float(graph.lng.min()), max_lng=float(graph.lng.max()))
    load = min(_timed(lambda: Graph.load(directory / "bench.npz"))[0] for _ in range(3))
    print(f"load graph: {load * 1000:.0f} ms (target well under 1 s)", flush=True)

    # distances only: snap every building once, then one multi-source run per type
    graph = Graph.load(directory / "bench.npz")
    homes = coverage.home_table()
    started = time.perf_counter()
    snap = settings.WANGGE_FACILITY_SNAP_METRES
    home_snap = access.snap_points(graph, homes.lat, homes.lng, snap)
    per_type = {}
    for ftype in FacilityType.objects.filter(active=True):
        points = list(Facility.objects.filter(facility_type=ftype).values_list("lat", "lng"))
        t0 = time.perf_counter()
        fac = access.snap_points(graph, [p[0] for p in points], [p[1] for p in points], snap)
        limit = coverage.search_metres(coverage.circle_metres(ftype.circle))
        dist = access.network_distances(graph, home_snap, fac, limit=limit)
        per_type[ftype.code] = (len(points), time.perf_counter() - t0, float(np.isfinite(dist).mean()))
    distances_s = time.perf_counter() - started
    print(f"distances, all {len(per_type)} types, {len(homes.lat):,} buildings: {distances_s:.2f} s "
          f"(target ≤ 2 s; includes the k-d tree and snapping the buildings)")
    for code, (n, s, reach) in per_type.items():
        print(f"  {code}: {n} facilities, {s * 1000:.0f} ms, {reach:.0%} of buildings within the searched distance")

    # end to end: a fresh worker (no cached graph), recompute and write, then roll up
    from wangge.facilities import network as network_module

    network_module._CACHE.clear()
    started = time.perf_counter()
    run = coverage.recompute()
    written = time.perf_counter() - started
    rollup = {}
    for level, chars in (("district", 8), ("street", 12), ("community", 16), ("grid", 20)):
        rollup[level] = len(list(
            HomeAccess.objects.annotate(node=Left("area_path", chars)).values("node", "facility_type_id")
            .annotate(people=Sum("residents"), inside=Sum("residents", filter=Q(covered=True)))))
    total = time.perf_counter() - started
    print(f"end to end: {total:.1f} s (recompute {written:.1f} s incl. {run.homes:,} buildings × types written, "
          f"{HomeAccess.objects.count():,} rows; roll-up {total - written:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in rollup.items()) + ") — target ≤ 30 s", flush=True)

    party = FacilityType.objects.get(code="party_center")
    sources = graph.snap(*np.array(list(Facility.objects.filter(facility_type=party).values_list("lat", "lng"))).T,
                         snap)[0]
    nodes, scipy_s, nx_s, worst = _networkx_ratio(graph, [int(s) for s in sources if s >= 0], args.nx_nodes)
    print(f"networkx vs scipy on a {nodes:,}-node crop, one type: networkx {nx_s:.2f} s, scipy {scipy_s:.3f} s, "
          f"ratio {nx_s / max(scipy_s, 1e-9):.0f}×; largest difference {worst:.3f} m", flush=True)

    rng = np.random.default_rng(args.seed)
    cand_nodes = rng.choice(graph.node_count, args.candidates, replace=False)
    started = time.perf_counter()
    points = list(Facility.objects.filter(facility_type=party).values_list("lat", "lng"))
    chosen = coverage.suggest_sites(party, points, list(zip(graph.lat[cand_nodes], graph.lng[cand_nodes],
                                                            strict=True)), 10)
    greedy_s = time.perf_counter() - started
    print(f"greedy 10 sites among {args.candidates:,} candidates: {greedy_s:.1f} s (target ≤ 30 s); "
          f"residents newly covered: {', '.join(str(int(g)) for _, g in chosen)}")


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


if __name__ == "__main__":
    main()
