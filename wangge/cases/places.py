"""Finding the spot on the public report page: the building and estate registry searched
by name ("怡和嘉园1号楼"), and the unit that will handle a report from a place.

Only what is written on the gate and the map goes out: the estate's or building's name,
a point, the grid and its street and community. Never a household, a resident or a
person's name; the registry's own address text is not sent either (it may carry more
than the name in imported data).
"""

import re
import unicodedata

from django.db.models import CharField, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext

from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.areas.reference import area_at_depth

# A query shorter than this matches too much; longer than this is not a place name.
MIN_QUERY = 2
MAX_QUERY = 40
MAX_RESULTS = 8
# Public points are rounded to this many decimals (about 11 m): enough to put a pin on the
# right building, no more precise than the registry.
POINT_DECIMALS = 4


def normalize_query(raw: str) -> str:
    """Full-width letters and digits folded (NFKC), spaces and punctuation dropped."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return re.sub(r"[\s,，。.、·#\-—_/\\()（）'\"%]+", "", text)[:MAX_QUERY]


def handling_unit(path: str) -> dict:
    """The street and community a report from the area at ``path`` goes to (the
    community accepts it; the street when the grid hangs under no community)."""
    street = area_at_depth(path, 3)
    community = area_at_depth(path, 4)
    names = [area.name for area in (street, community) if area is not None]
    return {
        "street": street.name if street else "",
        "community": community.name if community else "",
        "text": gettext("将由 {units} 处理").format(units=" ".join(names)) if names else "",
    }


def _grid_centre(grid: Area) -> tuple[float | None, float | None]:
    if grid.min_lat is None:
        return None, None
    return (grid.min_lat + grid.max_lat) / 2, (grid.min_lng + grid.max_lng) / 2


def _point(lat, lng) -> tuple[float | None, float | None]:
    if lat is None or lng is None:
        return None, None
    return round(lat, POINT_DECIMALS), round(lng, POINT_DECIMALS)


def _row(*, kind: str, name: str, grid: Area, lat, lng) -> dict:
    lat, lng = _point(lat, lng)
    unit = handling_unit(grid.path)
    return {
        "kind": kind,
        "name": name,
        "lat": lat,
        "lng": lng,
        "grid_id": grid.pk,
        "grid": grid.name,
        "street": unit["street"],
        "community": unit["community"],
        "handler": unit["text"],
    }


def place_search(*, q: str, limit: int = MAX_RESULTS) -> list[dict]:
    """Estates and buildings whose name contains the query; an estate's buildings also
    match "estate name + building name" typed as one ("怡和嘉园1号楼"). Estates first,
    then buildings, each in name order; at most ``limit`` rows."""
    q = normalize_query(q)
    if len(q) < MIN_QUERY:
        return []
    limit = max(1, min(limit, MAX_RESULTS))
    rows: list[dict] = []
    estates = (
        Estate.objects.filter(name__icontains=q)
        .select_related("grid")
        .defer("grid__polygon")
        .order_by("name", "pk")[:limit]
    )
    estates = list(estates)
    centres = _estate_centres([estate.pk for estate in estates])
    for estate in estates:
        lat, lng = centres.get(estate.pk) or _grid_centre(estate.grid)
        rows.append(_row(kind="estate", name=estate.name, grid=estate.grid, lat=lat, lng=lng))
    if len(rows) < limit:
        full = Concat(
            Coalesce("estate__name", Value("")), "name", output_field=CharField()
        )
        buildings = (
            Building.objects.annotate(full_name=full)
            .filter(Q(full_name__icontains=q) | Q(name__icontains=q))
            .select_related("grid")
            .defer("grid__polygon")
            .order_by("full_name", "pk")[: limit - len(rows)]
        )
        for building in buildings:
            rows.append(
                _row(
                    kind="building",
                    name=building.full_name,
                    grid=building.grid,
                    lat=building.lat,
                    lng=building.lng,
                )
            )
    return rows


def _estate_centres(estate_ids: list[int]) -> dict[int, tuple[float, float]]:
    """The mean point of each estate's buildings that have one (one query)."""
    sums: dict[int, list[float]] = {}
    points = Building.objects.filter(
        estate_id__in=estate_ids, lat__isnull=False, lng__isnull=False
    ).values_list("estate_id", "lat", "lng")
    for estate_id, lat, lng in points:
        total = sums.setdefault(estate_id, [0.0, 0.0, 0])
        total[0] += lat
        total[1] += lng
        total[2] += 1
    return {key: (lat / n, lng / n) for key, (lat, lng, n) in sums.items()}


def grid_for_place(grid_id) -> Area | None:
    """A grid picked from the search results (the report form posts its id)."""
    try:
        pk = int(grid_id)
    except (TypeError, ValueError):
        return None
    return Area.objects.filter(pk=pk, kind__in=[AreaKind.GRID, AreaKind.MICROGRID]).first()
