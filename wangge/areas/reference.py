"""The upper area nodes (city down to community) from the process-local reference cache
(``core.refcache``): a few hundred rows that every report and escalation looks up."""

from wangge.areas.models import Area
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
    if depth <= UPPER_DEPTH:
        return _upper.get().get(prefix)
    return Area.objects.filter(path=prefix).first()
