"""The rest-station keeper's phone page: log a worker's visit in two taps — who came (a
regular, shown masked, or a kind of worker), then what the station gave them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

from . import permissions as perms
from . import selectors, services
from .models import WorkerType


@guarded(perms.can_keep_station)
def stations(request):
    rows = list(selectors.stations_for_keeper(request.user)[:200])
    if len(rows) == 1:
        return redirect("employment:station", facility_id=rows[0].pk)
    return render(request, "employment/stations.html", {"stations": rows})


def _who(request, station):
    """The visitor chosen by the first tap: ("worker", Worker) or ("type", value) or None."""
    raw = request.POST.get("who") or request.GET.get("who") or ""
    kind, _sep, value = raw.partition(":")
    if kind == "type" and value in WorkerType.values:
        return raw, None, value
    if kind == "worker" and value.isdigit():
        worker = next((w for w in selectors.station_regulars(station) if w.pk == int(value)), None)
        if worker is None:
            raise NotFoundOrForbidden()
        return raw, worker, worker.worker_type
    return "", None, ""


@guarded(perms.can_keep_station)
def station(request, facility_id: int):
    station = selectors.station_for_keeper(user=request.user, facility_id=facility_id)
    who, worker, worker_type = _who(request, station)
    context = {"station": station, "who": who, "worker": worker, "worker_type": worker_type,
               "type_label": dict(WorkerType.choices).get(worker_type, "")}
    if who:
        context["offered"] = station.services.order_by("order", "code")
    else:
        context["types"] = WorkerType.choices
        context["regulars"] = selectors.station_regulars(station)
    context["today"] = station.employment_visits.filter(date=clock.today()).count()
    return render(request, "employment/station.html", context)


@require_POST
@guarded(perms.can_keep_station)
def station_log(request, facility_id: int):
    station = selectors.station_for_keeper(user=request.user, facility_id=facility_id)
    _raw, worker, worker_type = _who(request, station)
    service = station.services.filter(pk=request.POST.get("service") or 0).first()
    if service is None:
        messages.error(request, _("请选择服务项目"))
        return redirect("employment:station", facility_id=station.pk)
    try:
        services.station_visit_log(actor=request.user, station=station, service=service, worker=worker,
                                   worker_type=worker_type, key=request.POST.get("key", "")[:64])
    except ApplicationError as exc:
        if isinstance(exc, NotFoundOrForbidden):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记：{who} · {service}").format(
            who=worker.name_masked if worker else dict(WorkerType.choices)[worker_type], service=service))
    return redirect("employment:station", facility_id=station.pk)
