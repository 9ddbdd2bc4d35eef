"""Old import path of the demo city generator, kept for callers not yet moved.

The generator is ``wangge.demo.city`` (engine) plus each app's ``demo.py``.
"""

from wangge.areas.demo import FULL_HOUSEHOLDS, households_per_grid
from wangge.areas.demo_tree import CITY_CODE, CITY_NAME, FULL_GRIDS, grid_cell, plan_area_tree
from wangge.demo.bulk import PostgresBulkLoad as _PostgresBulkLoad
from wangge.demo.city import CityStats, city_generate
from wangge.people.demo import CARE_TAG_SHARE, population_digest

__all__ = [
    "CARE_TAG_SHARE",
    "CITY_CODE",
    "CITY_NAME",
    "FULL_GRIDS",
    "FULL_HOUSEHOLDS",
    "CityStats",
    "_PostgresBulkLoad",
    "city_generate",
    "grid_cell",
    "households_per_grid",
    "plan_area_tree",
    "population_digest",
]
