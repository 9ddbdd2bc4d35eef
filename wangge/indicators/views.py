"""Dashboards, the command-centre screen, the map and the monthly briefing.

Every page takes an area code; a node outside the user's dashboard scope answers 404
exactly like a code that does not exist (``guarded`` audits the denial).
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page

from wangge.accounts import permissions
from wangge.accounts.guards import guarded
from wangge.core.basemap import basemap_url
from wangge.core.errors import ApplicationError
from wangge.core.inputs import int_param
from wangge.core.nav import collect
from wangge.indicators.briefing import EXPORTS, briefing_build, briefing_export, briefing_title
from wangge.indicators.charts import chart_svg
from wangge.indicators.dashboard import (
    area_url,
    dashboard_build,
    indicator_meta,
    rank_choices,
)
from wangge.indicators.definitions import INDICATORS, is_available
from wangge.indicators.periods import Period
from wangge.indicators.selectors import (
    breadcrumb,
    dashboard_area_get_for_user,
    dashboard_roots,
    map_case_points,
    map_grids,
)

MIN_SCREEN_REFRESH_SECONDS = 2
DEFAULT_MAP_INDICATOR = "residents"


def _period(request) -> Period:
    return Period.parse(request.GET.get("period"))


def _area(request, code: str):
    return dashboard_area_get_for_user(user=request.user, code=code)


@guarded(permissions.can_view_dashboard)
def dashboard_home(request):
    roots = dashboard_roots(user=request.user)
    if len(roots) == 1:
        return redirect(area_url(roots[0], _period(request)))
    if not roots:
        raise Http404
    return render(request, "indicators/home.html", {"roots": roots, "period": _period(request)})


@guarded(permissions.can_view_dashboard)
def area_dashboard(request, code: str):
    area = _area(request, code)
    period = _period(request)
    board = dashboard_build(
        user=request.user, area=area, period=period, rank_by=request.GET.get("rank_by")
    )
    return render(
        request,
        "indicators/dashboard.html",
        {
            "board": board,
            "area": area,
            "period": period,
            "rank_choices": rank_choices(),
            "chart_data": board.chart_data(),
            "extra_links": [
                {"label": item.label, "url": reverse(item.url_name)}
                for item in collect("DASHBOARD_LINKS")
                if item.allowed(request.user)
            ],
            "meta": indicator_meta(
                [board.rank_by, *board.ranking_columns, *board.department_columns]
            ),
        },
    )


@never_cache
@guarded(permissions.can_view_dashboard)
def area_data(request, code: str):
    area = _area(request, code)
    board = dashboard_build(
        user=request.user, area=area, period=_period(request), rank_by=request.GET.get("rank_by")
    )
    return JsonResponse(board.chart_data())


@guarded(permissions.can_view_dashboard)
def area_screen(request, code: str):
    area = _area(request, code)
    period = _period(request)
    board = dashboard_build(
        user=request.user, area=area, period=period, rank_by=request.GET.get("rank_by")
    )
    refresh = settings.WANGGE_SCREEN_REFRESH_SECONDS
    if (seconds := int_param(request.GET.get("refresh"), low=0)) is not None:
        refresh = min(max(seconds, MIN_SCREEN_REFRESH_SECONDS), 3600)
    data_url = f"{reverse('indicators:area_data', args=[area.code])}?period={period.key}"
    # The map panel shows only where there is something under it (tiles or the self-hosted
    # basemap): without either the screen is as it always was.
    basemap, tiles = basemap_url(), settings.WANGGE_MAP_TILE_URL
    map_url = ""
    if basemap or tiles:
        map_url = (f"{reverse('indicators:map_data', args=[area.code])}"
                   f"?period={period.key}&indicator={board.rank_by}")
    return render(
        request,
        "indicators/screen.html",
        {
            "area": area,
            "period": period,
            "chart_data": board.chart_data(),
            "screen_config": {
                "data_url": data_url,
                "refresh_seconds": int(refresh),
                "back_url": area_url(area, period),
                "map_url": map_url,
                "basemap_url": basemap,
                "tile_url": tiles,
            },
            "screen_texts": {
                "ranking": _("下级区域排名"),
                "none": _("暂无"),
                "rank": _("名次"),
                "name": _("名称"),
                "no_data": _("暂无数据"),
            },
        },
    )


def _map_indicator(request) -> str:
    code = request.GET.get("indicator", "")
    if code in INDICATORS and is_available(INDICATORS[code]):
        return code
    return DEFAULT_MAP_INDICATOR


@guarded(permissions.can_view_dashboard)
def area_map(request, code: str):
    area = _area(request, code)
    period = _period(request)
    indicator = _map_indicator(request)
    data_url = (
        f"{reverse('indicators:map_data', args=[area.code])}"
        f"?period={period.key}&indicator={indicator}"
    )
    return render(
        request,
        "indicators/map.html",
        {
            "area": area,
            "period": period,
            "trail": breadcrumb(user=request.user, area=area),
            "indicator": indicator,
            "indicator_choices": rank_choices(),
            "map_config": {
                "data_url": data_url,
                "tile_url": settings.WANGGE_MAP_TILE_URL,
                "basemap_url": basemap_url(),
                "indicator": indicator_meta([indicator])[indicator] | {"code": indicator},
            },
            "map_texts": {
                "note": _("网格 {grids} 个（有边界），事件点位 {cases} 个"),
                "truncated": _("（仅显示最新的部分）"),
                "no_tiles": _("；未配置底图瓦片，仅显示网格边界与点位"),
                "failed": _("地图数据加载失败，请刷新重试"),
            },
        },
    )


@never_cache
@gzip_page  # JSON with no secret in it (no CSRF token, no reflected input): safe to compress
@guarded(permissions.can_view_dashboard)
def area_map_data(request, code: str):
    area = _area(request, code)
    period = _period(request)
    return JsonResponse(
        {
            "grids": map_grids(
                user=request.user, area=area, period=period, code=_map_indicator(request)
            ),
            "cases": map_case_points(user=request.user, area=area, period=period),
        },
        # Names as UTF-8, not \uXXXX escapes (a third of a city map's bytes).
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@guarded(permissions.can_view_dashboard)
def area_briefing(request, code: str):
    area = _area(request, code)
    period = _period(request)
    briefing = briefing_build(user=request.user, area=area, period=period)
    return render(
        request,
        "indicators/briefing.html",
        {
            "briefing": briefing,
            "board": briefing.board,
            "charts": [(chart, chart_svg(chart)) for chart in briefing.charts if chart.drawn],
            "area": area,
            "period": period,
            "title": briefing_title(briefing),
            "meta": indicator_meta(
                [briefing.rank_by, *briefing.ranking_columns, *briefing.department_columns]
            ),
        },
    )


def _briefing_download(request, code: str, kind: str):
    area = _area(request, code)
    period = _period(request)
    try:
        content = briefing_export(
            actor=request.user, area=area, period=period, request=request, kind=kind
        )
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=EXPORTS[kind][1])
    filename = f"briefing-{area.code}-{period.key}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@guarded(permissions.can_view_dashboard)
def area_briefing_xlsx(request, code: str):
    return _briefing_download(request, code, "xlsx")


@guarded(permissions.can_view_dashboard)
def area_briefing_docx(request, code: str):
    return _briefing_download(request, code, "docx")
