"""Reads: always through the scope of the roles that see facilities; out of scope is 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.conf import settings
from django.db.models import Max, Min, Q, Sum
from django.db.models.functions import TruncMonth

from wangge.areas.models import Area, AreaKind, Building
from wangge.core.errors import NotFoundOrForbidden

from . import coverage
from .models import Facility, FacilityType, HomeAccess, ServiceLog
from .network import haversine
from .permissions import LOG_ROLES, READ_ROLES


def facilities_in_scope(user, roles=READ_ROLES):
    return Facility.objects.filter_to_scope(user, roles=roles).select_related("facility_type", "area")


def facility_get(user, pk: int, roles=READ_ROLES) -> Facility:
    facility = facilities_in_scope(user, roles).filter(pk=pk).first()
    if facility is None:
        raise NotFoundOrForbidden()
    return facility


def facility_get_for_log(user, pk: int) -> Facility:
    return facility_get(user, pk, roles=LOG_ROLES)


def facilities_filtered(user, *, q: str = "", facility_type=None, area=None, active: str = ""):
    rows = facilities_in_scope(user)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if facility_type is not None:
        rows = rows.filter(facility_type=facility_type)
    if area is not None:
        rows = rows.filter(area_path__startswith=area.path)
    if active in ("0", "1"):
        rows = rows.filter(active=active == "1")
    return rows.order_by("facility_type__order", "name", "id")


def usage_by_month(user, *, month: date, area=None):
    """People served per station and service in a month (rows for the usage table)."""
    logs = ServiceLog.objects.filter_to_scope(user, roles=READ_ROLES).annotate(m=TruncMonth("date")).filter(
        date__year=month.year, date__month=month.month)
    if area is not None:
        logs = logs.filter(area_path__startswith=area.path)
    return list(
        logs.values("facility_id", "facility__name", "service__name").annotate(people=Sum("people"))
        .order_by("facility__name", "facility_id", "service__name")
    )


def facility_month_totals(facility: Facility, months: int = 6):
    return list(
        facility.logs.annotate(m=TruncMonth("date")).values("m", "service__name").annotate(people=Sum("people"))
        .order_by("-m", "service__name")[: months * 20]
    )


def is_open_now(facility: Facility, now: datetime) -> bool | None:
    if facility.opens_at is None or facility.closes_at is None:
        return None
    return facility.opens_at <= now.time() < facility.closes_at


# ---------------------------------------------------------------------- gaps


def worst_grids(user, ftype: FacilityType, *, area=None, limit: int | None = 20):
    """Grids by the share of residents within the type's circle, worst first."""
    rows = HomeAccess.objects.filter_to_scope(user, roles=READ_ROLES).filter(facility_type=ftype)
    if area is not None:
        rows = rows.filter(area_path__startswith=area.path)
    grouped = list(rows.values("area_path").annotate(
        people=Sum("residents"), inside=Sum("residents", filter=Q(covered=True))))
    names = {a.path: a for a in Area.objects.filter(kind=AreaKind.GRID, path__in=[g["area_path"] for g in grouped])}
    out = []
    for g in grouped:
        if not g["people"]:
            continue
        share = 100.0 * (g["inside"] or 0) / g["people"]
        out.append({"grid": names.get(g["area_path"]), "residents": g["people"],
                    "uncovered": g["people"] - (g["inside"] or 0), "share": round(share, 1)})
    out.sort(key=lambda r: (r["share"], -r["residents"]))
    return out[:limit] if limit else out


def off_network_homes(user, ftype: FacilityType, *, area=None):
    rows = HomeAccess.objects.filter_to_scope(user, roles=READ_ROLES).filter(facility_type=ftype, off_network=True)
    if area is not None:
        rows = rows.filter(area_path__startswith=area.path)
    return rows.select_related("building", "building__estate").order_by("building__name", "id")


def gap_points(user, ftype: FacilityType, *, area=None, limit: int | None = None):
    limit = limit or settings.WANGGE_MAP_MAX_POINTS
    rows = HomeAccess.objects.filter_to_scope(user, roles=READ_ROLES).filter(facility_type=ftype)
    if area is not None:
        rows = rows.filter(area_path__startswith=area.path)
    return list(rows.order_by("-distance")[:limit].values_list(
        "building__lat", "building__lng", "distance", "residents", "building__name"))


# ---------------------------------------------------------------------- services near me


@dataclass
class Near:
    facility: Facility
    distance: float
    by_network: bool
    open_now: bool | None

    @property
    def minutes(self) -> int:
        return coverage.walk_minutes(self.distance)


def place_search(q: str):
    """A building or estate whose name or address matches: its position."""
    hit = Building.objects.filter(lat__isnull=False).filter(
        Q(name__icontains=q) | Q(address__icontains=q) | Q(estate__name__icontains=q)).order_by("id").first()
    return (hit.lat, hit.lng, str(hit)) if hit else None


def nearest_by_type(lat: float, lng: float, now: datetime, *, per_type: int = 2, radius: float = 5000.0):
    """The nearest operating positions of each type from a point, by the network when
    one is loaded and reaches them (route length), else in a straight line."""
    facilities = list(Facility.objects.filter(active=True, facility_type__active=True)
                      .select_related("facility_type").prefetch_related("services"))
    if not facilities:
        return []
    flat = np.array([f.lat for f in facilities])
    flng = np.array([f.lng for f in facilities])
    straight = haversine(lat, lng, flat, flng)
    network_dist = np.full(len(facilities), np.inf)
    _network, graph = coverage.current_graph()
    if graph is not None:
        snap = settings.WANGGE_FACILITY_SNAP_METRES
        node, off = graph.snap(np.array([lat]), np.array([lng]), snap)
        if node[0] >= 0:
            dist = graph.from_point(node[0], limit=radius)
            fnode, foff = graph.snap(flat, flng, snap)
            ok = fnode >= 0
            network_dist[ok] = dist[fnode[ok]] + foff[ok] + off[0]
    groups: dict[int, list[Near]] = {}
    for i, f in enumerate(facilities):
        by_net = bool(np.isfinite(network_dist[i]))
        d = float(network_dist[i]) if by_net else float(straight[i])
        if not by_net and straight[i] > radius:
            continue
        groups.setdefault(f.facility_type_id, []).append(Near(f, round(d), by_net, is_open_now(f, now)))
    types = {t.pk: t for t in FacilityType.objects.filter(pk__in=groups)}
    out = []
    for type_id, items in groups.items():
        items.sort(key=lambda n: (n.open_now is False, n.distance))
        out.append((types[type_id], items[:per_type]))
    out.sort(key=lambda pair: (pair[0].order, pair[0].code))
    return out


def map_center() -> tuple[float, float]:
    box = Area.objects.filter(kind=AreaKind.GRID, min_lat__isnull=False).aggregate(
        Min("min_lat"), Max("max_lat"), Min("min_lng"), Max("max_lng"))
    if box["min_lat__min"] is None:
        return 40.6, 109.85
    return ((box["min_lat__min"] + box["max_lat__max"]) / 2, (box["min_lng__min"] + box["max_lng__max"]) / 2)
