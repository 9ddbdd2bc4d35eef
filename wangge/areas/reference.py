"""Area lookups every report makes, from the process-local reference cache
(``core.refcache``): the upper nodes (city down to community, a few hundred rows) and a
lattice index of the grid polygons for point → grid."""

import math
from collections import defaultdict
from dataclasses import dataclass

from wangge.areas.geo import point_in_geometry
from wangge.areas.models import Area, AreaKind
from wangge.core.refcache import RefCache

UPPER_DEPTH = 4  # city, district, street, community


def _load_upper() -> dict[str, Area]:
    # Polygons stay in the database: nobody reads them from these copies.
    return {a.path: a for a in Area.objects.filter(depth__lte=UPPER_DEPTH).defer("polygon")}


_upper = RefCache("upper areas", _load_upper, models=[Area])


def area_at_depth(path: str, depth: int) -> Area | None:
    """The node at ``depth`` on the way down to ``path`` (None above the root or past it)."""
    if depth < 1 or len(path) < Area.steplen * depth:
        return None
    prefix = path[: Area.steplen * depth]
    found = _upper.get().get(prefix) if depth <= UPPER_DEPTH else None
    # A node added in another process since this copy was taken is still found.
    return found or Area.objects.filter(path=prefix).first()


# Grid bounding boxes bucketed into square cells of CELL_DEGREES (about 2 km): a point
# looks at the few grids of its cell instead of a table scan of every grid's box.
CELL_DEGREES = 0.02
_MAX_CELLS_PER_AREA = 400  # a larger box (a rural grid) goes on the always-checked list


@dataclass(frozen=True)
class _GridIndex:
    cells: dict[tuple[int, int], list[Area]]
    large: list[Area]


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lng / CELL_DEGREES)


def _load_grid_index() -> _GridIndex:
    cells: dict[tuple[int, int], list[Area]] = defaultdict(list)
    large: list[Area] = []
    grids = Area.objects.filter(
        kind__in=[AreaKind.GRID, AreaKind.MICROGRID], min_lat__isnull=False
    ).order_by("-depth", "path")
    for area in grids:
        (lat0, lng0), (lat1, lng1) = (
            _cell(area.min_lat, area.min_lng),
            _cell(area.max_lat, area.max_lng),
        )
        if (lat1 - lat0 + 1) * (lng1 - lng0 + 1) > _MAX_CELLS_PER_AREA:
            large.append(area)
            continue
        for i in range(lat0, lat1 + 1):
            for j in range(lng0, lng1 + 1):
                cells[(i, j)].append(area)
    return _GridIndex(dict(cells), large)


_grids = RefCache("grid index", _load_grid_index, models=[Area])


def grid_containing(lat: float, lng: float, *, within: str = "") -> Area | None:
    """The deepest grid or micro-grid whose polygon holds the WGS84 point (optionally only
    under the path ``within``), or None."""
    index = _grids.get()
    candidates = index.cells.get(_cell(lat, lng), []) + index.large
    found = [
        area
        for area in candidates
        if area.path.startswith(within)
        and area.min_lat <= lat <= area.max_lat
        and area.min_lng <= lng <= area.max_lng
        and point_in_geometry(lat, lng, area.polygon)
    ]
    return max(found, key=lambda a: a.depth, default=None)
