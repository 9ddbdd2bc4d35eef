"""The areas app's part of the demo city: Baotou's area tree, estates and buildings.

The area tree is the whole city at every scale — 9 districts/banners, 80 streets and
towns, 279 communities and villages, 2,814 grids. City and district codes are the real
GB/T 2260 ones; below that the codes are synthetic but follow the statistical-code
convention (街道 001–099, 镇 100–199, 乡/苏木 200–299; 居委会 001–199, 村委会 200–399)
and grid = community code + 3 digits. Street and town names are modelled on Baotou's.
The tree is the same for every seed; the seed drives everything below it.

It also decides where people live (``build.households``, per grid): at full scale every
grid; at a demo scale whole communities, spread evenly over the city and always
including the first one (the demo accounts'), so a populated community has people in
each of its grids and a grid worker on each.
"""

from __future__ import annotations

import random

from wangge.areas.demo_tree import (
    FULL_GRIDS,
    LAT_MAX,
    LAT_MIN,
    LNG_MAX,
    LNG_MIN,
    PlannedArea,
    _words,
    grid_cell,
    plan_area_tree,
)
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.core.refcache import refcache_clear_all
from wangge.demo.bulk import apportion, next_id
from wangge.demo.city import CityBuild

FULL_HOUSEHOLDS = 1_000_000
# Below this many households per grid on average, people go to whole communities spread
# evenly over the city, so a small demo still shows full grids rather than 0.7 households.
MIN_HOUSEHOLDS_PER_POPULATED_GRID = 30
_ESTATE_WORDS = _words(
    "阳光 锦绣 富丽 华府 金域 翠湖 名都 御景 书香 丽景 瑞祥 碧水 恒泰 万和 龙湖 奥林 欣园 "
    "怡和 世纪 新世界 枫丹 绿都 时代 盛世 康居 安泰 美林 嘉园 星河 滨江"
)
_ESTATE_ENDINGS = _words("小区 花园 家园 苑 新村 公寓 嘉园")
_CHINESE_NUMBERS = "一二三四五六七八九十"


def city_place(build: CityBuild) -> None:
    plan = plan_area_tree(build.districts)
    build.plan = plan
    build.area_ids = _insert_areas(plan, build)
    build.grids = [node for node in plan if node.kind == AreaKind.GRID]
    build.households = households_per_grid(build.grids, build.scale)
    build.staffed_grids = staffed_grids(build.grids, build.households)
    rng = random.Random(f"wangge-city:{build.seed}:buildings")
    build.buildings = _insert_estates_and_buildings(rng, build)
    build.wrote([Area, Estate, Building])
    build.say(f"区域树 {len(plan)} 个节点、{build.stats.buildings} 栋楼已写入…")


def households_per_grid(grids: list[PlannedArea], scale: float) -> list[int]:
    """How many households each grid gets (see the module docstring)."""
    total = round(FULL_HOUSEHOLDS * scale * len(grids) / FULL_GRIDS)
    if not grids or total <= 0:
        return [0] * len(grids)
    if total >= MIN_HOUSEHOLDS_PER_POPULATED_GRID * len(grids):
        return apportion(total, [g.weight for g in grids])
    communities: dict[str, list[int]] = {}
    for index, grid in enumerate(grids):
        communities.setdefault(grid.parent.code, []).append(index)
    groups = list(communities.values())
    wanted = total / MIN_HOUSEHOLDS_PER_POPULATED_GRID
    k = min(len(groups), max(1, round(wanted * len(groups) / len(grids))))
    chosen = [i for g in range(k) for i in groups[g * len(groups) // k]]
    counts = [0] * len(grids)
    weights = [grids[i].weight for i in chosen]
    shares = apportion(total, weights, minimum=1 if total >= len(chosen) else 0)
    for index, n in zip(chosen, shares, strict=True):
        counts[index] = n
    return counts


def staffed_grids(grids: list[PlannedArea], households: list[int]) -> list[PlannedArea]:
    """Every grid of a community where people live."""
    populated = {g.parent.code for g, n in zip(grids, households, strict=True) if n}
    return [g for g in grids if g.parent.code in populated]


def _insert_areas(plan: list[PlannedArea], build: CityBuild) -> dict[str, int]:
    first_id = next_id(Area)
    for name in ("districts", "streets", "communities", "grids"):
        build.stats.add(name, 0)
    rows = []
    for offset, node in enumerate(plan):
        area = Area(
            id=first_id + offset,
            kind=node.kind,
            code=node.code,
            name=node.name,
            path=node.path,
            depth=node.depth,
            numchild=node.numchild,
        )
        if node.lattice_index is not None:
            polygon = grid_cell(node.lattice_index)
        elif node.kind == AreaKind.CITY:
            ring = [
                [LNG_MIN, LAT_MIN],
                [LNG_MAX, LAT_MIN],
                [LNG_MAX, LAT_MAX],
                [LNG_MIN, LAT_MAX],
                [LNG_MIN, LAT_MIN],
            ]
            polygon = {"type": "Polygon", "coordinates": [ring]}
        else:
            polygon = None
        if polygon:
            ring = polygon["coordinates"][0]
            area.polygon = polygon
            area.min_lat, area.max_lat = ring[0][1], ring[2][1]
            area.min_lng, area.max_lng = ring[0][0], ring[1][0]
        rows.append(area)
        kind_counter = {
            AreaKind.DISTRICT: "districts",
            AreaKind.STREET: "streets",
            AreaKind.COMMUNITY: "communities",
            AreaKind.GRID: "grids",
        }.get(node.kind)
        if kind_counter:
            build.stats.add(kind_counter)
    Area.objects.bulk_create(rows, batch_size=1000)
    refcache_clear_all()  # bulk_create sends no signal
    return {area.code: area.id for area in rows}


def _insert_estates_and_buildings(
    rng: random.Random, build: CityBuild
) -> dict[str, list[tuple[int, str, str, int, int]]]:
    """Estates and buildings per grid; returns, per grid code, its buildings as
    (id, label prefix, kind, floors, flats) where kind is "flat" or "house"."""
    estates: list[Estate] = []
    buildings: list[Building] = []
    estate_id, building_id = next_id(Estate), next_id(Building)
    grids, per_grid, area_ids = build.grids, build.households, build.area_ids
    plan: dict[str, list[tuple[int, str, str, int, int]]] = {}
    for grid, households in zip(grids, per_grid, strict=True):
        cell = grid_cell(grid.lattice_index)["coordinates"][0]
        (west, south), (east, north) = cell[0], cell[2]
        grid_id = area_ids[grid.code]
        own: list[tuple[int, str, str, int, int]] = []
        capacity = 0
        if grid.is_village:
            number = 0
            while number == 0 or capacity * 0.9 < households:
                number += 1
                flats = rng.randint(30, 80)
                label = _group_name(number)
                buildings.append(
                    Building(
                        id=building_id,
                        grid_id=grid_id,
                        area_path=grid.path,
                        name=label,
                        address=f"{grid.parent.name}{label}",
                        floors=1,
                        lat=rng.uniform(south, north),
                        lng=rng.uniform(west, east),
                    )
                )
                own.append((building_id, f"{grid.parent.name}{label}", "house", 1, flats))
                building_id += 1
                capacity += flats
        else:
            number = 0
            used_names: set[str] = set()
            while number == 0 or capacity * 0.85 < households:
                estate_name = _estate_name(rng, used_names)
                estates.append(
                    Estate(
                        id=estate_id,
                        grid_id=grid_id,
                        area_path=grid.path,
                        name=estate_name,
                        address=f"{grid.parent.parent.name}{estate_name}",
                        has_property_management=rng.random() < 0.7,
                    )
                )
                for _ in range(rng.randint(3, 12)):
                    number += 1
                    floors = rng.choices([6, 7, 11, 18, 26, 33], [40, 10, 15, 15, 12, 8])[0]
                    units = rng.randint(1, 4) if floors <= 7 else rng.randint(1, 2)
                    name = f"{number}号楼"
                    buildings.append(
                        Building(
                            id=building_id,
                            grid_id=grid_id,
                            area_path=grid.path,
                            estate_id=estate_id,
                            name=name,
                            address=f"{estate_name}{name}",
                            floors=floors,
                            lat=rng.uniform(south, north),
                            lng=rng.uniform(west, east),
                        )
                    )
                    own.append((building_id, f"{estate_name}{name}", "flat", floors, units))
                    building_id += 1
                    capacity += floors * units * 2
                    if capacity * 0.85 >= households and number >= 1:
                        break
                estate_id += 1
        plan[grid.code] = own
    Estate.objects.bulk_create(estates, batch_size=2000)
    Building.objects.bulk_create(buildings, batch_size=2000)
    build.stats.figures.update(estates=len(estates), buildings=len(buildings))
    return plan


def _group_name(number: int) -> str:
    if number <= 10:
        return f"{_CHINESE_NUMBERS[number - 1]}组"
    if number < 20:
        return f"十{_CHINESE_NUMBERS[number - 11]}组"
    return f"{number}组"


def _estate_name(rng: random.Random, used: set[str]) -> str:
    while True:
        word, ending = rng.choice(_ESTATE_WORDS), rng.choice(_ESTATE_ENDINGS)
        if word == ending:
            continue  # no "嘉园嘉园"
        name = f"{word}{ending}"
        if name in used:
            name = f"{name}{_CHINESE_NUMBERS[len(used) % 10]}期"
        if name not in used:
            used.add(name)
            return name
