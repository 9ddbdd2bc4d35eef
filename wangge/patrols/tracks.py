"""Patrol tracks for supervisors: which workers' tracks a user may replay (those who
patrolled inside the user's subtree) and one worker's track of one day."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.accounts.scope import scope_q
from wangge.core.errors import NotFoundOrForbidden
from wangge.patrols.models import GridAssignment, Patrol
from wangge.patrols.permissions import SUPERVISE_ROLES


def _in_scope(user, queryset):
    condition = scope_q(user, roles=SUPERVISE_ROLES)
    return queryset.filter(condition) if condition is not None else queryset.none()


def track_workers(*, user) -> list[User]:
    """Grid workers assigned (now or before) to grids inside the user's subtree."""
    ids = (
        _in_scope(user, GridAssignment.objects.all()).values_list("worker_id", flat=True).distinct()
    )
    return list(User.objects.filter(pk__in=ids).order_by("username")[:1000])


def track_of_day(*, user, worker_id: int, day: date) -> dict:
    """The worker's patrols on the day inside the user's subtree, points in time order.
    A worker the user does not supervise answers like a missing one."""
    if not any(w.pk == worker_id for w in track_workers(user=user)):
        raise NotFoundOrForbidden(_("未找到该网格员"))
    patrols = (
        _in_scope(user, Patrol.objects.filter(worker_id=worker_id, date=day))
        .select_related("grid")
        .order_by("started_at")
    )
    out, grids = [], {}
    for patrol in patrols:
        points = [
            {"lat": p["lat"], "lng": p["lng"], "at": p.get("at", "")}
            for p in patrol.points
            if isinstance(p, dict) and "lat" in p and "lng" in p
        ]
        points.sort(key=lambda p: p["at"] or "")
        out.append(
            {
                "id": patrol.pk,
                "grid": patrol.grid.name,
                "started_at": patrol.started_at.isoformat(),
                "ended_at": patrol.ended_at.isoformat() if patrol.ended_at else None,
                "points": points,
            }
        )
        if patrol.grid.polygon:
            grids[patrol.grid_id] = {
                "type": "Feature",
                "properties": {"name": patrol.grid.name},
                "geometry": patrol.grid.polygon,
            }
    return {
        "patrols": out,
        "grids": {"type": "FeatureCollection", "features": list(grids.values())},
    }


def patrol_days(*, user, worker_id: int, limit: int = 60) -> list[date]:
    """Recent days with patrols of the worker inside the user's subtree (the day picker)."""
    return list(
        _in_scope(user, Patrol.objects.filter(Q(worker_id=worker_id)))
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")[:limit]
    )
