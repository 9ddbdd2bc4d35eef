"""Staff pages: the registry, a station's service log, monthly use, the gap map and the
what-if scenarios."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.accounts.guards import guarded
from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.paging import paginate

from . import coverage, selectors, services
from .forms import (
    ChangeForm,
    FacilityFilterForm,
    FacilityForm,
    GapForm,
    ScenarioForm,
    ServiceLogForm,
)
from .models import FacilityType, Scenario
from .permissions import (
    LOG_ROLES,
    READ_ROLES,
    WRITE_ROLES,
    can_log_in,
    can_log_services,
    can_read_facilities,
    can_write_facilities,
    can_write_in,
)


def _form_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _context_run():
    run = coverage.last_run()
    network = coverage.current_network()
    return {"run": run, "network": network}


@guarded(can_read_facilities)
def facility_list(request):
    form = FacilityFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.facilities_filtered(
        request.user, q=(data.get("q") or "").strip(), facility_type=data.get("facility_type"),
        area=data.get("area"), active=data.get("active") or "")
    page, query = paginate(request, rows)
    return render(request, "facilities/list.html", {
        "form": form, "page": page, "query": query, "can_write": can_write_facilities(request.user),
        "types": FacilityType.objects.filter(active=True), **_context_run(),
    })


@guarded(can_read_facilities)
def facility_detail(request, pk: int):
    facility = selectors.facility_get(request.user, pk)
    return render(request, "facilities/detail.html", {
        "facility": facility, "months": selectors.facility_month_totals(facility),
        "can_write": can_write_in(request.user, facility.area_path),
        "can_log": can_log_in(request.user, facility.area_path),
        "open_now": selectors.is_open_now(facility, clock.now()),
    })


@guarded(can_write_facilities)
@require_http_methods(["GET", "POST"])
def facility_edit(request, pk: int | None = None):
    facility = selectors.facility_get(request.user, pk, roles=WRITE_ROLES) if pk else None
    initial = FacilityForm.initial_of(facility) if facility else {"coord_system": "wgs84", "active": True}
    form = FacilityForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        common = {key: data[key] for key in ("name", "address", "opening_hours", "opens_at", "closes_at",
                                             "contact", "operator", "active")}
        try:
            if facility is None:
                facility = services.facility_create(
                    actor=request.user, facility_type=data["facility_type"], area=data["area"], lat=data["lat"],
                    lng=data["lng"], coord_system=data["coord_system"], services=data["services"],
                    photo=data.get("photo"), **common)
            else:
                facility = services.facility_update(
                    actor=request.user, facility=facility, version=data.get("version") or 0, area=data["area"],
                    lat=data["lat"], lng=data["lng"], coord_system=data["coord_system"],
                    facility_type=data["facility_type"], services=data["services"], photo=data.get("photo"),
                    **common)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已保存。覆盖率将在后台重新计算。"))
            return redirect("facilities:detail", pk=facility.pk)
    return render(request, "facilities/edit.html", {"form": form, "facility": facility, **_map_context()},
                  status=400 if request.method == "POST" else 200)


def _map_context():
    from django.conf import settings

    network = coverage.current_network()
    lat, lng = selectors.map_center()
    return {"tile_url": settings.WANGGE_MAP_TILE_URL, "network": network, "map_lat": lat, "map_lng": lng,
            "basemap_url": reverse("facilities:basemap") if network else ""}


@guarded(can_log_services)
def stations(request):
    """The stations this user may log services for (the phone's way in)."""
    q = request.GET.get("q", "").strip()[:50]
    rows = selectors.facilities_in_scope(request.user, roles=LOG_ROLES).filter(active=True)
    if q:
        rows = rows.filter(name__icontains=q)
    page, query = paginate(request, rows.order_by("name", "id"))
    return render(request, "facilities/stations.html", {"page": page, "query": query, "q": q})


@guarded(can_log_services)
@require_http_methods(["GET", "POST"])
def service_log(request, pk: int):
    """The station's phone page: what it delivered today."""
    facility = selectors.facility_get_for_log(request.user, pk)
    form = ServiceLogForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.service_log_record(actor=request.user, facility=facility, service=data["service"],
                                        day=data["date"], people=data["people"], key=data.get("key") or "")
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已记录"))
            return redirect("facilities:log", pk=facility.pk)
    recent = facility.logs.select_related("service").order_by("-date", "-id")[:10]
    return render(request, "facilities/log.html", {"facility": facility, "form": form, "recent": recent},
                  status=400 if request.method == "POST" else 200)


@guarded(can_read_facilities)
def usage(request):
    today = clock.today()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    rows = selectors.usage_by_month(request.user, month=first)
    page, query = paginate(request, rows, page_size=50)
    return render(request, "facilities/usage.html", {
        "page": page, "query": query, "month": first, "total": sum(r["people"] for r in rows),
        "can_write": can_write_facilities(request.user)})


@guarded(can_read_facilities)
def gaps(request):
    form = GapForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    ftype = data.get("facility_type") or FacilityType.objects.filter(active=True).first()
    area = data.get("area")
    worst = selectors.worst_grids(request.user, ftype, area=area) if ftype else []
    off = selectors.off_network_homes(request.user, ftype, area=area) if ftype else []
    off_page, query = paginate(request, off)
    threshold = coverage.circle_metres(ftype.circle) if ftype else 0
    return render(request, "facilities/gaps.html", {
        "form": form, "ftype": ftype, "worst": worst, "off_page": off_page, "query": query,
        "threshold": threshold, "can_write": can_write_facilities(request.user), "homes_url": reverse("facilities:gap_homes") + "?" + request.GET.urlencode(),
        **_map_context(), **_context_run(),
    })


@guarded(can_read_facilities)
def gap_homes(request):
    """Homes coloured by distance (GeoJSON points for the gap map)."""
    form = GapForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    ftype = data.get("facility_type") or FacilityType.objects.filter(active=True).first()
    if ftype is None:
        return JsonResponse({"homes": [], "facilities": [], "threshold": 0})
    points = selectors.gap_points(request.user, ftype, area=data.get("area"))
    shares = selectors.worst_grids(request.user, ftype, area=data.get("area"), limit=None)
    facilities = selectors.facilities_in_scope(request.user).filter(facility_type=ftype, active=True)
    return JsonResponse({
        "threshold": coverage.circle_metres(ftype.circle),
        "homes": [{"lat": p[0], "lng": p[1], "d": p[2], "n": p[3], "name": p[4]} for p in points],
        "facilities": [{"lat": f.lat, "lng": f.lng, "name": f.name} for f in facilities[:2000]],
        "areas": [{"name": r["grid"].name, "share": r["share"], "polygon": r["grid"].polygon}
                  for r in shares if r["grid"] is not None and r["grid"].polygon],
    })


@guarded(can_write_facilities)
@require_http_methods(["GET", "POST"])
def scenarios(request):
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.scenario_create(actor=request.user, area=data["area"],
                                                facility_type=data["facility_type"], name=data["name"])
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            return redirect("facilities:scenario", pk=scenario.pk)
    rows = Scenario.objects.filter_to_scope(request.user, roles=WRITE_ROLES).select_related("facility_type")
    page, query = paginate(request, rows.order_by("-created_at", "-id"))
    return render(request, "facilities/scenarios.html", {"form": form, "page": page, "query": query},
                  status=400 if request.method == "POST" else 200)


@guarded(can_write_facilities)
@require_http_methods(["GET", "POST"])
def scenario_detail(request, pk: int):
    scenario = Scenario.objects.filter_to_scope(request.user, roles=WRITE_ROLES).filter(pk=pk).first()
    if scenario is None:
        raise NotFoundOrForbidden()
    form = ChangeForm(request.POST or None, scenario=scenario)
    if request.method == "POST" and request.POST.get("action") == "suggest":
        form = ChangeForm(scenario=scenario)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.scenario_change(actor=request.user, scenario=scenario, kind=data["kind"],
                                     facility=data.get("facility"), lat=data.get("lat"), lng=data.get("lng"),
                                     name=data.get("name") or "")
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已加入方案（未保存到阵地台账）"))
            return redirect("facilities:scenario", pk=scenario.pk)
    area = filter_to_scope(Area.objects.filter(path=scenario.area_path), request.user, field="path",
                           roles=READ_ROLES).first()
    depth = len(scenario.area_path) + 4
    baseline_points = [(f.lat, f.lng) for f in scenario.facility_type.facilities.filter(active=True)]
    before = coverage.evaluate(scenario.facility_type, baseline_points, prefix=scenario.area_path, depth_chars=depth)
    points = services.scenario_points(scenario)
    after = coverage.evaluate(scenario.facility_type, points, prefix=scenario.area_path, depth_chars=depth)
    names = {a.path: a.name for a in Area.objects.filter(path__in=list(before.by_area))}
    rows = [{"name": names.get(path, path), "residents": int(b[0]),
             "before": round(100 * b[1] / b[0], 1) if b[0] else None,
             "after": round(100 * after.by_area.get(path, (0, 0))[1] / b[0], 1) if b[0] else None}
            for path, b in sorted(before.by_area.items())]
    suggestions = []
    if request.method == "POST" and request.POST.get("action") == "suggest":
        suggestions = _suggest(scenario, points, request.POST.get("k"))
    return render(request, "facilities/scenario.html", {
        "scenario": scenario, "area": area, "form": form, "before": before, "after": after, "rows": rows,
        "changes": scenario.changes.select_related("facility").order_by("id"), "suggestions": suggestions,
        "suggested": request.method == "POST" and request.POST.get("action") == "suggest",
        **_map_context(),
    }, status=400 if request.method == "POST" and form.errors else 200)


def _suggest(scenario: Scenario, points, k_text):
    from wangge.areas.models import Building

    try:
        k = max(1, min(10, int(k_text or 3)))
    except ValueError:
        k = 3
    # Candidate sites: the buildings of the area (a station goes into an existing building).
    candidates = list(Building.objects.filter(area_path__startswith=scenario.area_path, lat__isnull=False)
                      .order_by("id").values_list("lat", "lng", "name")[:5000])
    chosen = coverage.suggest_sites(scenario.facility_type, points, [(c[0], c[1]) for c in candidates], k,
                                    prefix=scenario.area_path)
    return [{"lat": candidates[i][0], "lng": candidates[i][1], "name": candidates[i][2], "gain": int(g)}
            for i, g in chosen]
