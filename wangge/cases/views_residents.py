"""What the public report page asks while the resident fills it in, and 我的上报.

- ``place_search``: estates and buildings by name (names, a point, the handling
  community — no personal data), throttled per client IP and hour, length-limited;
- ``report_where``: the grid and handling unit of a point (map tap or phone location);
- ``report_nearby`` / ``report_follow``: open public reports of the same category nearby,
  and 这也是我的问题 (follow one instead of reporting it again);
- ``my_reports`` / ``my_reports_status``: the reports and follows this phone remembers
  (tokens in localStorage), with live status;
- ``followed_case``: a follower's read-only view of the case's public progress.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from wangge.accounts.ratelimit import counter_add
from wangge.areas.services import area_locate_point
from wangge.audit.services import client_ip
from wangge.cases.followers import (
    case_follow,
    follower_count,
    follower_get_by_token,
    my_reports_status,
    nearby_open_cases,
)
from wangge.cases.models import Category
from wangge.cases.places import MAX_QUERY, handling_unit, place_search
from wangge.cases.views.common import serve_attachment
from wangge.cases.views.public import public_case_context
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

# Longer raw input than this is refused outright (the query itself is cut to MAX_QUERY).
MAX_RAW_QUERY = 100
MAX_TOKENS_FIELD = 30 * 41


def _over_limit(request, kind: str, limit: int) -> bool:
    """Count this request against the client IP's hourly allowance for ``kind``."""
    ident = client_ip(request) or "unknown"
    return counter_add(kind, ident) > limit


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _point(request) -> tuple[float, float] | None:
    try:
        lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


@require_GET
def place_search_view(request):
    raw = request.GET.get("q", "")
    if len(raw) > MAX_RAW_QUERY:
        return _refused(gettext("搜索内容最多 {n} 字").format(n=MAX_QUERY), 400)
    if _over_limit(request, "place_search", settings.WANGGE_PLACE_SEARCHES_PER_HOUR):
        return _refused(gettext("搜索过于频繁，请稍后再试"), 429)
    return JsonResponse({"results": place_search(q=raw)})


@require_GET
def report_where(request):
    """The grid and handling unit of a point, in words; ``grid`` is null outside the city."""
    point = _point(request)
    grid = None
    if point is not None:
        try:
            grid = area_locate_point(
                lat=point[0],
                lng=point[1],
                system=settings.WANGGE_MAP_COORD_SYSTEM,
            )
        except ApplicationError:
            grid = None
    if grid is None:
        return JsonResponse({"grid": None, "handler": ""})
    unit = handling_unit(grid.path)
    return JsonResponse(
        {"grid": grid.name, "grid_id": grid.pk, "handler": unit["text"]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def report_nearby(request):
    point = _point(request)
    value = request.GET.get("category", "")
    category = (
        Category.objects.filter(pk=int(value), active=True).first() if value.isdigit() else None
    )
    if point is None or category is None:
        return JsonResponse({"results": []})
    if _over_limit(request, "report_nearby", settings.WANGGE_PLACE_SEARCHES_PER_HOUR):
        return _refused(gettext("查询过于频繁，请稍后再试"), 429)
    rows = nearby_open_cases(category=category, lat=point[0], lng=point[1])
    return JsonResponse({"results": rows}, json_dumps_params={"ensure_ascii": False})


@require_POST
def report_follow(request):
    """这也是我的问题: follow the case; the same phone or device again gets the same row."""
    if _over_limit(request, "case_follow", settings.WANGGE_CASE_FOLLOWS_PER_HOUR):
        return _refused(gettext("操作过于频繁，请稍后再试"), 429)
    try:
        follower, created = case_follow(
            number=request.POST.get("number", ""),
            phone=request.POST.get("phone", "")[:30],
            device=request.POST.get("device", "")[:60],
            request=request,
        )
    except NotFoundOrForbidden as exc:
        return _refused(exc.message, 404)
    except ApplicationError as exc:
        return _refused(exc.message, 400)
    return JsonResponse(
        {
            "token": follower.token,
            "number": follower.case.number,
            "followers": follower_count(case=follower.case),
            "created": created,
        }
    )


@require_GET
def my_reports(request):
    """The page is a shell: the list comes from this phone's localStorage."""
    return render(request, "cases/my_reports.html")


@require_POST
def my_reports_status_view(request):
    raw = request.POST.get("tokens", "")
    if len(raw) > MAX_TOKENS_FIELD:
        return _refused(gettext("记录过多"), 400)
    if _over_limit(request, "my_reports", settings.WANGGE_PLACE_SEARCHES_PER_HOUR):
        return _refused(gettext("查询过于频繁，请稍后再试"), 429)
    tokens = [token.strip() for token in raw.split(",") if token.strip()]
    return JsonResponse(
        {"cases": my_reports_status(tokens=tokens)}, json_dumps_params={"ensure_ascii": False}
    )


def _follower(token: str):
    try:
        return follower_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None


@require_GET
def followed_case(request, token: str):
    follower = _follower(token)
    context = public_case_context(request, follower.case, follower=follower)
    return render(request, "cases/track.html", context)


@require_GET
def followed_photo(request, token: str, attachment_id: int):
    follower = _follower(token)
    return serve_attachment(follower.case.attachments.filter(pk=attachment_id).first())
