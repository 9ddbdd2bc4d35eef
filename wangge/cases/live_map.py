"""The command centre's live map of open cases: a page and the scoped JSON it polls.

Open cases inside the user's area scope (the dashboard roles' subtree), with whether
each is overdue; nothing of the reporter. The page refreshes the points periodically."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.audit.services import audit_access_denied
from wangge.cases import permissions as perms
from wangge.cases.models import Case, Status
from wangge.core import clock
from wangge.core.basemap import basemap_url

LIVE_STATUSES = (
    Status.REPORTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RETURNED,
    Status.SUSPENDED,
)
LIVE_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)
MAX_POINTS = 3000
REFRESH_SECONDS = 30


def can_view_live_map(user) -> bool:
    return has_any_role(user, LIVE_ROLES)


def open_case_points(*, user, now=None) -> dict:
    now = now or clock.now()
    condition = perms.scope_q(user, roles=LIVE_ROLES)
    if condition is None:
        return {"type": "FeatureCollection", "features": [], "total": 0, "overdue": 0}
    # Plain rows, not model instances, and the URL and labels made once: a city officer's
    # 3,000 points took 210 ms of Python as instances with a reverse() each (4 ms of SQL).
    rows = (
        Case.objects.filter(condition, status__in=LIVE_STATUSES, lat__isnull=False)
        .order_by("-created_at")
        .values_list(
            "pk",
            "number",
            "status",
            "lat",
            "lng",
            "resolve_due_at",
            "category__name",
            "priority",
            "paused_at",
        )[:MAX_POINTS]
    )
    labels = {value: str(label) for value, label in Status.choices}
    url_head, url_tail = reverse("cases:detail", args=[0]).rsplit("0", 1)
    features, overdue = [], 0
    for pk, number, status, lat, lng, due, category, priority, paused_at in rows:
        late = bool(due and due < now and paused_at is None)
        overdue += late
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "number": number,
                    "status": status,
                    "status_label": labels[status],
                    "category": category,
                    "urgent": priority == "urgent",
                    "overdue": late,
                    "url": f"{url_head}{pk}{url_tail}",
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": len(features),
        "overdue": overdue,
        "at": now.isoformat(),
    }


def _guard(request) -> None:
    if not request.user.is_authenticated:
        raise Http404
    if not can_view_live_map(request.user):
        audit_access_denied(request)
        raise Http404


def live_map(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _guard(request)
    config = {
        "tile_url": settings.WANGGE_MAP_TILE_URL,
        "basemap_url": basemap_url(),
        "data_url": reverse("cases:live_map_data"),
        "refresh_seconds": REFRESH_SECONDS,
        "status_labels": dict(Status.choices),
    }
    return render(request, "cases/live_map.html", {"config": config})


def live_map_data(request):
    _guard(request)
    return JsonResponse(open_case_points(user=request.user))
