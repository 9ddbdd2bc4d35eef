"""The public phone page "services near me" and the basemap the app serves itself."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from wangge.core import clock
from wangge.core.errors import ApplicationError

from . import coverage, selectors
from .forms import NearForm
from .network import edges_in_box, network_dir
from .services import coordinates_wgs84


@require_GET
def near(request):
    lat, lng = selectors.map_center()
    network = coverage.current_network()
    return render(request, "facilities/near.html", {
        "map_lat": lat, "map_lng": lng, "tile_url": settings.WANGGE_MAP_TILE_URL, "network": network,
        "basemap_url": reverse("facilities:basemap") if network else "",
    })


@require_GET
def near_results(request):
    """The nearest positions of each type (htmx fragment) from a point or an address."""
    form = NearForm(request.GET)
    point, place, error = None, "", ""
    if form.is_valid():
        data = form.cleaned_data
        if data.get("lat") is not None and data.get("lng") is not None:
            try:
                point = coordinates_wgs84(data["lat"], data["lng"], data.get("coord_system") or "wgs84")
            except ApplicationError as exc:
                error = exc.message
        elif data.get("q"):
            hit = selectors.place_search(data["q"].strip())
            if hit is None:
                error = "notfound"
            else:
                point, place = (hit[0], hit[1]), hit[2]
    groups = selectors.nearest_by_type(point[0], point[1], clock.now()) if point else []
    network = coverage.current_network()
    return render(request, "facilities/_near_results.html", {
        "groups": groups, "point": point, "place": place, "error": error, "network": network,
    })


@require_GET
def basemap(request):
    """The walking network's ways in a box (the self-hosted basemap; empty without one)."""
    network = coverage.current_network()
    try:
        south, west, north, east = (float(request.GET[k]) for k in ("s", "w", "n", "e"))
    except (KeyError, ValueError):
        return JsonResponse({"error": "bbox"}, status=400)
    if network is None:
        return JsonResponse({"lines": [], "synthetic": False, "attribution": ""})
    path = network_dir() / network.path
    lines = edges_in_box(path, south, west, north, east, limit=8000)
    # A generated network is not OpenStreetMap's data: it says so instead of naming OSM.
    attribution = gettext("示意路网，系生成数据") if network.synthetic else "© OpenStreetMap"
    return JsonResponse({"lines": lines, "synthetic": network.synthetic, "attribution": attribution},
                        json_dumps_params={"separators": (",", ":")})
