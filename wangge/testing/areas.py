"""A small real area tree: city 150200 with a regular tree below."""

from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_create


def square(lat: float, lng: float, size: float = 0.01) -> dict:
    """A GeoJSON square with its south-west corner at (lat, lng)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def build_city(*, districts: int = 2, streets: int = 2, communities: int = 2, grids: int = 2):
    """City 150200 with a regular tree below; grid polygons tile a lattice near Baotou."""
    city = area_create(parent=None, kind=AreaKind.CITY, code="150200", name="包头市")
    for d in range(districts):
        district = area_create(
            parent=city, kind=AreaKind.DISTRICT, code=f"15020{d + 2}", name=f"第{d + 1}区"
        )
        for s in range(streets):
            street = area_create(
                parent=district,
                kind=AreaKind.STREET,
                code=f"{district.code}{s + 1:03d}000",
                name=f"{district.name}街道{s + 1}",
            )
            for c in range(communities):
                community = area_create(
                    parent=street,
                    kind=AreaKind.COMMUNITY,
                    code=f"{street.code}{c + 1:03d}",
                    name=f"{street.name}社区{c + 1}",
                )
                for g in range(grids):
                    row = (d * streets + s) * communities + c
                    area_create(
                        parent=community,
                        kind=AreaKind.GRID,
                        code=f"{community.code}{g + 1:03d}",
                        name=f"{community.name}网格{g + 1}",
                        polygon=square(40.5 + row * 0.02, 109.8 + g * 0.02),
                    )
    return Area.objects.get(pk=city.pk)


def grids() -> list[Area]:
    return list(Area.objects.filter(kind=AreaKind.GRID).order_by("path"))


def areas(kind: str) -> list[Area]:
    """Areas of one kind in tree order."""
    return list(Area.objects.filter(kind=kind).order_by("path"))
