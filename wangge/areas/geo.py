"""Coordinate systems used by Chinese web maps, and point-in-polygon.

GCJ-02 is the obfuscated system of AMap and Tencent maps; BD-09 is Baidu's, built on
GCJ-02. Our polygons are WGS84, so every incoming point is converted first.
"""

import math

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _outside_china(lat: float, lng: float) -> bool:
    return not (73.66 < lng < 135.05 and 3.86 < lat < 53.55)


def _transform(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if _outside_china(lat, lng):
        return lat, lng
    dlat, dlng = _transform(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration: precise to well under a metre."""
    if _outside_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(6):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        wlat += lat - glat
        wlng += lng - glng
    return wlat, wlng


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")


def to_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    system = system.lower().replace("-", "")
    if system == "wgs84":
        return lat, lng
    if system == "gcj02":
        return gcj02_to_wgs84(lat, lng)
    if system == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))
    raise ValueError(f"unknown coordinate system {system}")


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygons of a GeoJSON geometry (Polygon, MultiPolygon or a Feature)."""
    if geometry.get("type") == "Feature":
        geometry = geometry["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError("polygon must be a GeoJSON Polygon or MultiPolygon")


def _in_ring(lat: float, lng: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_geometry(lat: float, lng: float, geometry: dict) -> bool:
    for polygon in _rings(geometry):
        outer, holes = polygon[0], polygon[1:]
        if _in_ring(lat, lng, outer) and not any(_in_ring(lat, lng, h) for h in holes):
            return True
    return False


def bounding_box(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng); GeoJSON positions are [lng, lat]."""
    points = [pt for polygon in _rings(geometry) for ring in polygon for pt in ring]
    lngs = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lats), max(lats), min(lngs), max(lngs)


def _simplify_line(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker on [lng, lat] positions (degrees), iterative (no recursion limit)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first][:2], points[last][:2]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i][0], points[i][1]
            if norm == 0:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _simplify_ring(ring: list[list[float]], tolerance: float, digits: int) -> list[list[float]]:
    simplified = _simplify_line(ring, tolerance)
    if len(simplified) < 4:  # a ring needs three corners and its closing point
        simplified = ring
    return [[round(p[0], digits), round(p[1], digits)] for p in simplified]


def geometry_simplify(geometry: dict, *, tolerance: float, digits: int = 5) -> dict:
    """A lighter copy of a Polygon/MultiPolygon for drawing at a zoom level: corners closer
    than ``tolerance`` degrees to the simplified outline dropped (Douglas–Peucker), positions
    rounded to ``digits`` decimals (5 ≈ 1 m). Never fewer than three corners per ring."""
    polygons = [
        [_simplify_ring(ring, tolerance, digits) for ring in polygon]
        for polygon in _rings(geometry)
    ]
    if geometry.get("type") == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": "Polygon", "coordinates": polygons[0]}


# Drawing tolerance per level of the area being mapped: a city map shows thousands of grids
# a few pixels wide; a grid's own map shows its outline to the metre.
SIMPLIFY_TOLERANCE = {"city": 0.0005, "district": 0.0002, "street": 0.00005}
DEFAULT_SIMPLIFY_TOLERANCE = 0.00001
