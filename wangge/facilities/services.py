"""Writes: facilities, service logs, the network, scenarios. Keyword-only, ``actor``
first, an audit row per change; every write is checked against the actor's scope.
Coverage is recomputed by a Celery task queued after the transaction commits."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.areas.geo import COORD_SYSTEMS, to_wgs84
from wangge.areas.models import Area
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

from .models import (
    ChangeKind,
    Facility,
    FacilityType,
    Network,
    Scenario,
    ScenarioChange,
    Service,
    ServiceLog,
)
from .permissions import can_log_in, can_write_in

FIELDS = ("name", "address", "opening_hours", "opens_at", "closes_at", "contact", "operator", "active")


def coordinates_wgs84(lat, lng, system: str = "wgs84") -> tuple[float, float]:
    """Input in WGS-84, GCJ-02 (AMap, Tencent) or BD-09 (Baidu) → stored WGS-84."""
    system = (system or "wgs84").lower().replace("-", "")
    if system not in COORD_SYSTEMS:
        raise ApplicationError(_("不支持的坐标系"), field="coord_system")
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("请填写经纬度"), field="lat") from exc
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ApplicationError(_("经纬度超出范围"), field="lat")
    wlat, wlng = to_wgs84(lat, lng, system)
    return round(wlat, 7), round(wlng, 7)


def catalogue_ensure() -> None:
    """The default types and services exist (seeded by migration 0002; a flushed test
    database or a city built after a reset gets them back)."""
    from .catalogue import DEFAULT_SERVICES, DEFAULT_TYPES

    for code, name, circle, order in DEFAULT_TYPES:
        FacilityType.objects.get_or_create(code=code, defaults={"name": name, "circle": circle, "order": order})
    for order, (code, name) in enumerate(DEFAULT_SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "order": (order + 1) * 10})


def coverage_changed() -> None:
    """Queue the recomputation once the writes are committed (eager in tests/demo)."""
    from .tasks import recompute_later

    transaction.on_commit(recompute_later)


def _area_for_write(actor, area: Area) -> Area:
    if area is None or not can_write_in(actor, area.path):
        raise NotFoundOrForbidden()
    return area


@transaction.atomic
def facility_create(*, actor, facility_type: FacilityType, area: Area, lat, lng, coord_system: str = "wgs84",
                    services=(), photo=None, **fields) -> Facility:
    _area_for_write(actor, area)
    wlat, wlng = coordinates_wgs84(lat, lng, coord_system)
    facility = Facility(facility_type=facility_type, area=area, area_path=area.path, lat=wlat, lng=wlng,
                        **{k: v for k, v in fields.items() if k in FIELDS})
    if photo:
        facility.photo = photo
    facility.save()
    facility.services.set(services)
    audit_record(action="facility_create", actor=actor, obj=facility,
                 detail={"type": facility_type.code, "area": area.code})
    coverage_changed()
    return facility


@transaction.atomic
def facility_update(*, actor, facility: Facility, version: int, area: Area, lat, lng, coord_system: str = "wgs84",
                    facility_type: FacilityType | None = None, services=None, photo=None, **fields) -> Facility:
    """Edit a facility; ``version`` is the one the form showed (a stale one is refused)."""
    locked = Facility.objects.select_for_update().filter(pk=facility.pk).first()
    if locked is None or not can_write_in(actor, locked.area_path):
        raise NotFoundOrForbidden()
    if int(version) != locked.version:
        raise ApplicationError(_("该阵地已被他人修改，请刷新后重试"), code="conflict")
    _area_for_write(actor, area)
    locked.lat, locked.lng = coordinates_wgs84(lat, lng, coord_system)
    locked.area, locked.area_path = area, area.path
    if facility_type is not None:
        locked.facility_type = facility_type
    for key, value in fields.items():
        if key in FIELDS:
            setattr(locked, key, value)
    if photo:
        locked.photo = photo
    locked.version += 1
    locked.save()
    if services is not None:
        locked.services.set(services)
    audit_record(action="facility_update", actor=actor, obj=locked, detail={"version": locked.version})
    coverage_changed()
    return locked


@transaction.atomic
def service_log_record(*, actor, facility: Facility, service: Service, day: date, people: int,
                       key: str = "") -> ServiceLog:
    """Record what a station delivered; a phone resending the same ``key`` gets the first row."""
    if not can_log_in(actor, facility.area_path):
        raise NotFoundOrForbidden()
    if key:
        earlier = ServiceLog.objects.filter(recorded_by=actor, key=key).first()
        if earlier is not None:
            return earlier
    if day > clock.today():
        raise ApplicationError(_("日期不能晚于今天"), field="date")
    if people < 0 or people > 100000:
        raise ApplicationError(_("人次不正确"), field="people")
    if not facility.services.filter(pk=service.pk).exists():
        raise ApplicationError(_("该阵地不提供此项服务"), field="service")
    log = ServiceLog.objects.create(facility=facility, area_path=facility.area_path, service=service, date=day,
                                    people=people, recorded_by=actor, key=key[:64])
    audit_record(action="facility_service_log", actor=actor, obj=log,
                 detail={"facility": facility.pk, "service": service.code, "people": people})
    return log


def network_register(*, name: str, path: str, graph, source: str = "", synthetic: bool = False) -> Network:
    """Record a loaded network (the newest row is the current one) and recompute."""
    network = Network.objects.create(
        name=name, path=path, source=source, synthetic=synthetic, nodes=graph.node_count, edges=graph.edge_count,
        min_lat=float(graph.lat.min()), max_lat=float(graph.lat.max()),
        min_lng=float(graph.lng.min()), max_lng=float(graph.lng.max()),
    )
    Network.objects.exclude(pk=network.pk).delete()
    audit_record(action="facility_network_load", obj=network, detail={"nodes": network.nodes, "synthetic": synthetic})
    coverage_changed()
    return network


# ---------------------------------------------------------------------- scenarios


@transaction.atomic
def scenario_create(*, actor, area: Area, facility_type: FacilityType, name: str) -> Scenario:
    _area_for_write(actor, area)
    scenario = Scenario.objects.create(area_path=area.path, facility_type=facility_type,
                                       name=name or _("模拟方案"), created_by=actor)
    audit_record(action="facility_scenario_create", actor=actor, obj=scenario)
    return scenario


@transaction.atomic
def scenario_change(*, actor, scenario: Scenario, kind: str, facility: Facility | None = None,
                    lat=None, lng=None, coord_system: str = "wgs84", name: str = "") -> ScenarioChange:
    """Add, move or remove a facility in the draft (the registry is not touched)."""
    if not can_write_in(actor, scenario.area_path):
        raise NotFoundOrForbidden()
    if kind not in ChangeKind.values:
        raise ApplicationError(_("不支持的变更"), field="kind")
    if kind != ChangeKind.ADD and facility is None:
        raise ApplicationError(_("请选择阵地"), field="facility")
    if facility is not None and facility.facility_type_id != scenario.facility_type_id:
        raise ApplicationError(_("阵地类型与方案不符"), field="facility")
    wlat = wlng = None
    if kind != ChangeKind.REMOVE:
        wlat, wlng = coordinates_wgs84(lat, lng, coord_system)
    change = ScenarioChange.objects.create(scenario=scenario, kind=kind, facility=facility, lat=wlat, lng=wlng,
                                           name=name[:100])
    audit_record(action="facility_scenario_change", actor=actor, obj=scenario, detail={"kind": kind})
    return change


def scenario_points(scenario: Scenario) -> list[tuple[float, float]]:
    """The facilities of the scenario's type as they would be with its changes."""
    points = {f.pk: (f.lat, f.lng) for f in Facility.objects.filter(facility_type=scenario.facility_type, active=True)}
    added = []
    for change in scenario.changes.order_by("id"):
        if change.kind == ChangeKind.ADD:
            added.append((change.lat, change.lng))
        elif change.kind == ChangeKind.MOVE and change.facility_id in points:
            points[change.facility_id] = (change.lat, change.lng)
        elif change.kind == ChangeKind.REMOVE:
            points.pop(change.facility_id, None)
    return list(points.values()) + added
