"""Pages: the grid worker app (PWA shell, service worker, manifest) and supervisor views."""

import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.scope import scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.audit.services import audit_access_denied
from wangge.core import clock
from wangge.core.basemap import basemap_url
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.inputs import int_param, page_number
from wangge.patrols import selectors, services
from wangge.patrols import tracks as tracks_selectors
from wangge.patrols.app_strings import app_words
from wangge.patrols.cadence import RANK, required_visits
from wangge.patrols.forms import (
    GridAssignForm,
    GridReassignForm,
    HouseholdAssignForm,
    ReportFilterForm,
)
from wangge.patrols.models import GridAssignment
from wangge.patrols.periods import month_of, quarter_of
from wangge.patrols.permissions import (
    SUPERVISE_ROLES,
    can_assign_workers,
    can_supervise_patrols,
)
from wangge.people.models import Cadence

APP_DIR = Path(__file__).resolve().parent
SHELL_FILES = [
    "static/patrols/app.js",
    "static/patrols/app.css",
    "static/patrols/icon-192.png",
    "static/patrols/icon-512.png",
    "templates/patrols/app.html",
    "templates/patrols/sw.js",
]
PAGE_SIZE = 30


# ---------------------------------------------------------------- the grid worker app


def _shell_version_uncached() -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((APP_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


_shell_version_cached = lru_cache(maxsize=1)(_shell_version_uncached)


def shell_version() -> str:
    """Changes whenever a file of the shell changes, so phones fetch the new shell."""
    return _shell_version_uncached() if settings.DEBUG else _shell_version_cached()


def _shell_assets() -> list[str]:
    return [
        static("patrols/app.js"),
        static("patrols/app.css"),
        static("patrols/icon-192.png"),
        static("patrols/icon-512.png"),
        reverse("patrols:manifest"),
    ]


@login_required
@ensure_csrf_cookie
def app(request):
    return render(request, "patrols/app.html", {"app_words": app_words()})


def service_worker(request):
    response = render(
        request,
        "patrols/sw.js",
        {
            "version": shell_version(),
            "scope": reverse("patrols:app"),
            "assets_json": json.dumps(_shell_assets()),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    scope = reverse("patrols:app")
    data = {
        "name": _("网格员工作台"),
        "short_name": _("网格员"),
        "description": _("巡查、走访、上报，离线也能记录"),
        "lang": _("zh-CN"),
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f6f8",
        "theme_color": "#c8102e",
        "icons": [
            {"src": static("patrols/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("patrols/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("patrols/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


# ---------------------------------------------------------------- supervisor views


LEVEL_BELOW = {1: AreaKind.STREET, 2: AreaKind.STREET, 3: AreaKind.COMMUNITY, 4: AreaKind.GRID}
LEVEL_LABEL = {
    AreaKind.STREET: gettext_lazy("街道"),
    AreaKind.COMMUNITY: gettext_lazy("社区"),
    AreaKind.GRID: gettext_lazy("网格"),
}


def _root_depth(user, area: Area | None) -> int:
    if area is not None:
        return area.depth
    paths = scope_paths(user, SUPERVISE_ROLES)
    return min((len(p) // Area.steplen for p in paths), default=1)


@guarded(can_supervise_patrols)
def overview(request):
    today = clock.today()
    form = ReportFilterForm(request.GET or None, user=request.user, today=today)
    area, month = None, month_of(today)
    if form.is_valid():
        area, month = form.cleaned_data["area"], form.cleaned_data["month"]
    quarter = quarter_of(month.start)
    depth = _root_depth(request.user, area)
    level = LEVEL_BELOW.get(depth, AreaKind.GRID)
    report = selectors.compliance_by_area(
        user=request.user, level=level, area=area, today=today, month=month, quarter=quarter
    )
    workers = None
    if depth >= 3:
        workers = selectors.compliance_by_worker(
            user=request.user, area=area, today=today, month=month, quarter=quarter
        )
    return render(
        request,
        "patrols/overview.html",
        {
            "form": form,
            "area": area,
            "report": report,
            "level_label": LEVEL_LABEL[level],
            "workers": workers,
            "can_assign": can_assign_workers(request.user),
            "weekly_required": required_visits(rank=RANK[Cadence.WEEKLY], period_days=month.days),
        },
    )


def _grid_workers(grid_ids) -> dict[int, list]:
    workers: dict[int, list] = {}
    for assignment in (
        GridAssignment.objects.filter(selectors.active_q(clock.today()), grid_id__in=grid_ids)
        .select_related("worker")
        .order_by("worker__username")
    ):
        workers.setdefault(assignment.grid_id, []).append(assignment.worker)
    return workers


@guarded(can_supervise_patrols)
def overdue(request):
    today = clock.today()
    form = ReportFilterForm(request.GET or None, user=request.user, today=today)
    area = form.cleaned_data["area"] if form.is_valid() else None
    counts = selectors.overdue_counts_by_grid(user=request.user, area=area, today=today)
    workers = _grid_workers([grid.pk for grid, _ in counts])
    rows = [(grid, total, workers.get(grid.pk, [])) for grid, total in counts]
    grid, page, query = None, None, ""
    grid_id = int_param(request.GET.get("grid"))
    if grid_id is not None:
        grid = selectors.grids_visible_to(user=request.user).filter(pk=grid_id).first()
    if grid is not None:
        households = selectors.overdue_households_in(user=request.user, area=grid, today=today)
        page = Paginator(households, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
        for household in page:
            household.cadence_label = Cadence(household.window.cadence).label
            household.days_overdue = (today - household.window.latest).days
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    return render(
        request,
        "patrols/overdue.html",
        {
            "form": form,
            "rows": rows,
            "total": sum(total for _, total, _ in rows),
            "grid": grid,
            "grid_workers": workers.get(grid.pk, []) if grid else [],
            "page": page,
            "query": query,
            "today": today,
        },
    )


@guarded(can_supervise_patrols)
def assignments(request):
    user = request.user
    area = None
    form = ReportFilterForm(request.GET or None, user=user, today=clock.today())
    if form.is_valid():
        area = form.cleaned_data["area"]
    grids = selectors.grids_visible_to(user=user, area=area).prefetch_related(
        Prefetch(
            "worker_assignments",
            queryset=GridAssignment.objects.filter(selectors.active_q(clock.today()))
            .select_related("worker")
            .order_by("since"),
            to_attr="current_assignments",
        )
    )
    page = Paginator(grids, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    params = request.GET.copy()
    params.pop("page", None)
    can_assign = can_assign_workers(user)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "can_assign": can_assign,
    }
    if can_assign:
        context.update(
            assign_form=GridAssignForm(user=user, prefix="assign"),
            reassign_form=GridReassignForm(user=user, prefix="reassign"),
            household_form=HouseholdAssignForm(user=user, prefix="household"),
        )
    return render(request, "patrols/assignments.html", context)


@require_POST
@guarded(can_assign_workers)
def assignment_change(request, action: str):
    """One POST endpoint per change: assign / reassign / unassign a grid, give a household."""
    user = request.user
    forms_by_action = {
        "assign": (GridAssignForm, "assign"),
        "reassign": (GridReassignForm, "reassign"),
        "household": (HouseholdAssignForm, "household"),
    }
    target = reverse("patrols:assignments")
    try:
        if action == "unassign":
            raw = request.POST.get("assignment", "")
            assignment_id = int_param(raw, default=0)
            assignment = (
                GridAssignment.objects.filter(pk=assignment_id, until__isnull=True)
                .select_related("worker", "grid")
                .first()
            )
            if assignment is None:
                raise ApplicationError(_("该分工不存在或已结束"))
            try:
                services.grid_unassign(actor=user, worker=assignment.worker, grid=assignment.grid)
            except NotFoundOrForbidden:
                # Another area's assignment answers like a missing one (audited).
                audit_access_denied(request)
                raise ApplicationError(_("该分工不存在或已结束")) from None
            messages.success(
                request,
                _("已结束 %(worker)s 在 %(grid)s 的分工")
                % {"worker": assignment.worker, "grid": assignment.grid.name},
            )
            return redirect(target)
        if action not in forms_by_action:
            raise ApplicationError(_("未知操作"))
        form_class, prefix = forms_by_action[action]
        form = form_class(request.POST, user=user, prefix=prefix)
        if not form.is_valid():
            errors = _("；").join(
                _("%(label)s：%(errors)s") % {"label": form.fields[name].label, "errors": " ".join(errs)}
                if name in form.fields
                else " ".join(errs)
                for name, errs in form.errors.items()
            )
            messages.error(request, errors)
            return redirect(target)
        data = form.cleaned_data
        if action == "assign":
            services.grid_assign(actor=user, worker=data["worker"], grid=data["grid"])
            messages.success(
                request,
                _("已安排 %(worker)s 负责 %(grid)s")
                % {"worker": data["worker"], "grid": data["grid"].name},
            )
        elif action == "reassign":
            services.grid_reassign(
                actor=user,
                grid=data["grid"],
                from_worker=data["from_worker"],
                to_worker=data["to_worker"],
            )
            messages.success(
                request,
                _("%(grid)s 已由 %(from)s 移交给 %(to)s，此后的走访由接手网格员负责，历史记录保留")
                % {"grid": data["grid"].name, "from": data["from_worker"], "to": data["to_worker"]},
            )
        else:
            services.household_assign(
                actor=user, household=data["household"], worker=data["worker"]
            )
            messages.success(
                request,
                _("户 %(code)s 已交由 %(worker)s 走访")
                % {"code": data["household"].code, "worker": data["worker"]},
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(target)


# ---------------------------------------------------------------- track replay


def track_strings() -> dict:
    """The replay's words for track.js (it reads them from the page's JSON config)."""
    return {
        "play": _("▶ 播放"),
        "pause": _("❚❚ 暂停"),
        "no_points": _("当天巡查没有记录到轨迹点。"),
        "no_patrols": _("当天没有巡查记录。"),
        "start": _("起点"),
        "summary": _("%(patrols)s 次巡查，%(points)s 个轨迹点（%(from)s – %(to)s）"),
        "failed": _("轨迹加载失败，请稍后重试。"),
        "locale": _("zh-CN"),
    }


@guarded(can_supervise_patrols)
def tracks(request):
    """Replay one worker's patrol track of one day on the map (supervisors, in scope)."""
    workers = tracks_selectors.track_workers(user=request.user)
    worker_id = int_param(request.GET.get("worker"))
    worker = next((w for w in workers if w.pk == worker_id), None)
    if worker_id is not None and worker is None:
        raise NotFoundOrForbidden(_("未找到该网格员"))
    days = tracks_selectors.patrol_days(user=request.user, worker_id=worker.pk) if worker else []
    day = _day_param(request.GET.get("date")) or (days[0] if days else clock.today())
    config = {
        "tile_url": settings.WANGGE_MAP_TILE_URL,
        "basemap_url": basemap_url(),
        "data_url": None,
        "strings": track_strings(),
    }
    if worker is not None:
        config["data_url"] = (
            f"{reverse('patrols:track_data')}?worker={worker.pk}&date={day.isoformat()}"
        )
    return render(
        request,
        "patrols/tracks.html",
        {"workers": workers, "worker": worker, "day": day, "days": days, "config": config},
    )


@guarded(can_supervise_patrols)
def track_data(request):
    worker_id = int_param(request.GET.get("worker"))
    day = _day_param(request.GET.get("date"))
    if worker_id is None or day is None:
        raise NotFoundOrForbidden(_("请选择网格员和日期"))
    data = tracks_selectors.track_of_day(user=request.user, worker_id=worker_id, day=day)
    return JsonResponse(data)


def _day_param(raw):
    try:
        return date.fromisoformat(str(raw or "")[:10])
    except ValueError:
        return None
