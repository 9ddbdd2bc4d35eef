import math

from wangge.areas.geo import geometry_simplify


def circle(points: int, radius: float = 0.01) -> dict:
    ring = [[109.8 + radius * math.cos(2 * math.pi * i / points),
             40.6 + radius * math.sin(2 * math.pi * i / points)] for i in range(points)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_a_detailed_outline_is_lighter_at_city_zoom_and_keeps_its_shape():
    # given a 400-corner outline (OSM-like detail)
    detailed = circle(400)
    # when simplified for a city-wide map
    light = geometry_simplify(detailed, tolerance=0.0005)
    ring = light["coordinates"][0]
    # then far fewer corners remain, closed, rounded to 5 decimals, still about the circle
    assert 8 <= len(ring) < 60
    assert ring[0] == ring[-1]
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in ring)
    assert all(abs(math.hypot(x - 109.8, y - 40.6) - 0.01) < 0.0006 for x, y in ring)


def test_a_square_keeps_its_corners_and_multipolygons_stay_multi():
    square = [[109.7, 40.55], [109.705333333, 40.55], [109.705333333, 40.553947368],
              [109.7, 40.553947368], [109.7, 40.55]]
    multi = {"type": "MultiPolygon", "coordinates": [[square], [square]]}
    light = geometry_simplify(multi, tolerance=0.01)
    assert light["type"] == "MultiPolygon"
    assert light["coordinates"][0][0] == [[109.7, 40.55], [109.70533, 40.55],
                                          [109.70533, 40.55395], [109.7, 40.55395], [109.7, 40.55]]
