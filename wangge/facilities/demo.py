"""The service positions' part of the demo: a generated street network over the
populated grids (labelled synthetic on every page), positions of every type in the seed
city's proportions (with deliberate gaps: a share of grids gets none), the coverage
computed once, and in the history the stations' weekly service logs."""

from __future__ import annotations

import math
import random
import time
from datetime import timedelta

import numpy as np

from wangge.areas.models import Area, AreaKind, Building

from .catalogue import SEED_COUNTS
from .models import Facility, FacilityType, Service, ServiceLog
from .network import EARTH_RADIUS, Graph, network_dir, synthetic_grid

SPACING = 90.0  # metres between the generated streets
MARGIN = 400.0
NAMES = {
    "party_center": "党群服务中心",
    "new_groups": "两新党建活动阵地",
    "estate_station": "小区服务站",
    "rest_station": "红色驿站",
    "truck_station": "货车司机之家",
    "village_finance": "金融服务站",
}


def synthetic_network_for_city(max_nodes: int = 400_000) -> Graph | None:
    """A jittered street grid over the box of the city's buildings (or grids)."""
    box = list(Building.objects.filter(lat__isnull=False).values_list("lat", "lng"))
    if not box:
        box = [(a.min_lat, a.min_lng) for a in Area.objects.filter(kind=AreaKind.GRID, min_lat__isnull=False)]
        box += [(a.max_lat, a.max_lng) for a in Area.objects.filter(kind=AreaKind.GRID, min_lat__isnull=False)]
    if not box:
        return None
    lats = np.array([b[0] for b in box])
    lngs = np.array([b[1] for b in box])
    k = math.pi / 180.0 * EARTH_RADIUS
    lat0 = lats.min() - MARGIN / k
    lng0 = lngs.min() - MARGIN / (k * math.cos(math.radians(lat0)))
    height = (lats.max() - lats.min()) * k + 2 * MARGIN
    width = (lngs.max() - lngs.min()) * k * math.cos(math.radians(lat0)) + 2 * MARGIN
    spacing = max(SPACING, math.sqrt(height * width / max_nodes))
    rows, cols = int(height // spacing) + 2, int(width // spacing) + 2
    return synthetic_grid(float(lat0), float(lng0), rows, cols, spacing, seed=7)


def _place_facilities(build) -> int:
    rng = random.Random(build.seed * 31 + 14)
    types = {t.code: t for t in FacilityType.objects.all()}
    services = list(Service.objects.all())
    by_grid: dict[int, list[tuple[float, float, str]]] = {}
    for grid_id, lat, lng, address in Building.objects.filter(lat__isnull=False).values_list(
            "grid_id", "lat", "lng", "address"):
        by_grid.setdefault(grid_id, []).append((lat, lng, address))
    grids = {g.pk: g for g in Area.objects.filter(pk__in=list(by_grid))}
    if not grids:
        return 0
    ids = sorted(grids)
    # Deliberate gaps: about a third of the populated grids get no position at all.
    served = [g for g in ids if rng.random() > 0.33] or ids[:1]
    villages = [g for g in ids if "村" in grids[g].name or "嘎查" in grids[g].name]
    rows, links = [], []
    # About one position per populated grid, split in the seed city's proportions.
    seed_total = sum(SEED_COUNTS.values())
    counts = {code: max(1, round(len(ids) * n / seed_total)) for code, n in SEED_COUNTS.items()}
    counts["village_finance"] = max(1, len(villages)) if villages else 0
    for code, n in counts.items():
        ftype = types.get(code)
        if ftype is None:
            continue
        for i in range(n):
            grid_id = rng.choice(villages or served) if code == "village_finance" else rng.choice(served)
            lat, lng, address = rng.choice(by_grid[grid_id])
            grid = grids[grid_id]
            rows.append(Facility(
                facility_type=ftype, area_id=grid_id, area_path=grid.path,
                name=f"{grid.name}{NAMES.get(code, ftype.name)}{i + 1}",
                address=address, lat=round(lat + rng.uniform(-0.0004, 0.0004), 6),
                lng=round(lng + rng.uniform(-0.0004, 0.0004), 6),
                opening_hours="周一至周日 8:00-20:00" if code == "rest_station" else "工作日 9:00-17:30",
                opens_at=None, closes_at=None, contact="0472-5" + f"{rng.randint(0, 999999):06d}",
                operator=f"{grid.name}社区居委会"))
    Facility.objects.bulk_create(rows)
    for facility in Facility.objects.all():
        count = 18 if facility.facility_type.code == "rest_station" else rng.randint(3, 8)
        links += [Facility.services.through(facility_id=facility.pk, service_id=s.pk)
                  for s in rng.sample(services, min(count, len(services)))]
    Facility.services.through.objects.bulk_create(links)
    return len(rows)


def city_populate(build) -> None:
    from .coverage import recompute
    from .services import catalogue_ensure, network_register

    started = time.perf_counter()
    catalogue_ensure()
    build.stats.figures["facilities"] = _place_facilities(build)
    graph = synthetic_network_for_city()
    if graph is not None:
        directory = network_dir()
        directory.mkdir(parents=True, exist_ok=True)
        filename = f"network-{int(time.time() * 1000)}.npz"
        graph.save(directory / filename)
        # Registering queues the recomputation after commit; the demo computes now.
        network_register(name="示意路网（生成）", path=filename, graph=graph, synthetic=True)
        build.stats.figures["network_nodes"] = graph.node_count
    recompute()
    build.say(f"服务阵地与生活圈：{time.perf_counter() - started:.1f} 秒")


def history_exists() -> bool:
    return ServiceLog.objects.exists()


def history_start(world) -> None:
    world.spawn(world.start + timedelta(days=3), _logs(world))


def _logs(world):
    """Every week each station records a few of its services."""
    rng = world.rng("facilities")
    stations = list(Facility.objects.filter(facility_type__code__in=["rest_station", "estate_station"])
                    .prefetch_related("services")[:200])
    offered = {f.pk: list(f.services.all()) for f in stations}
    while stations:
        rows = []
        for f in stations:
            for s in rng.sample(offered[f.pk], min(3, len(offered[f.pk]))):
                rows.append(ServiceLog(facility=f, area_path=f.area_path, service=s,
                                       date=world.now.date(), people=rng.randint(2, 40)))
        ServiceLog.objects.bulk_create(rows)
        yield world.now + timedelta(days=7)


def history_figures() -> dict:
    return {"service_logs": ServiceLog.objects.count()}


def history_summary(figures: dict) -> str:
    return f"{figures['service_logs']} 条阵地服务记录"
