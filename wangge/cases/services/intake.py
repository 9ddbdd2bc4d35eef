"""Intake: a report becomes a case at ``reported`` — located, numbered, given its
dispatcher — with its first timeline event and audit row."""

import secrets
from collections.abc import Iterable
from contextlib import nullcontext

from django.db import transaction
from django.utils.translation import gettext

from wangge.areas.geo import to_wgs84
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.cases.events import case_event_write
from wangge.cases.models import Case, Category, Priority, Source, Status
from wangge.cases.reference import category_by_code, category_by_id
from wangge.cases.services.common import MAX_DESCRIPTION, clean_text
from wangge.cases.services.numbering import case_number_next
from wangge.cases.services.photos import photos_check, photos_store
from wangge.cases.services.routing import case_is_routable, dispatcher_for
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError
from wangge.core.identity import normalize_phone
from wangge.core.inserts import insert_row, rows_deferred


def _resolve_category(category) -> Category:
    if isinstance(category, Category):
        found = category
    elif isinstance(category, int):
        found = category_by_id(category)
    else:
        found = category_by_code(str(category))
    if found is None or not found.active:
        raise ApplicationError(gettext("请选择有效的事件类别"), field="category")
    return found


def _locate(*, grid, lat, lng, coord_system) -> tuple[Area, float | None, float | None]:
    wlat = wlng = None
    if lat is not None and lng is not None:
        located = area_locate_point(lat=lat, lng=lng, system=coord_system)
        wlat, wlng = to_wgs84(lat, lng, coord_system.lower().replace("-", ""))
        if grid is None:
            grid = located
    if isinstance(grid, int):
        grid = Area.objects.filter(pk=grid).first()
    if grid is None:
        raise ApplicationError(
            gettext("无法确定问题所在网格：请在地图上选点，或选择所在社区/网格"), field="location"
        )
    if grid.kind not in (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.MICROGRID):
        raise ApplicationError(gettext("请选择街道、社区或网格"), field="grid")
    return grid, wlat, wlng


def case_report(
    *,
    actor,
    category,
    description: str,
    source: str,
    priority: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
    coord_system: str = "wgs84",
    address: str = "",
    grid: Area | int | None = None,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Iterable = (),
    private: bool = False,
    request=None,
) -> Case:
    """Open a case at ``reported``: locate its grid, number it, pick its dispatcher.

    ``actor`` is None for a public report without an account. The phone is stored
    encrypted; an anonymous report keeps no name and no phone at all. A ``private`` case
    (a need raised during a household visit) is never public, whatever its category.
    """
    category = _resolve_category(category)
    description = clean_text(description)
    address = clean_text(address)
    reporter_name = clean_text(reporter_name)
    if not description:
        raise ApplicationError(gettext("请填写问题描述"), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ApplicationError(gettext("问题描述最多 {n} 字").format(n=MAX_DESCRIPTION), field="description")
    if source not in Source.values:
        raise ApplicationError(gettext("未知的案件来源"), field="source")
    priority = priority or category.default_priority
    if priority not in Priority.values:
        raise ApplicationError(gettext("未知的紧急程度"), field="priority")
    if len(address or "") > 200:
        raise ApplicationError(gettext("地址最多 200 字"), field="address")
    area, wlat, wlng = _locate(grid=grid, lat=lat, lng=lng, coord_system=coord_system)
    phone = normalize_phone(reporter_phone) if reporter_phone and not anonymous else ""
    checked = photos_check(photos)
    now = clock.now()
    routed = case_is_routable(category=category, area_path=area.path)
    dispatcher = dispatcher_for(area=area, routed=routed)
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    # Everything above only reads; the writes need no savepoint of their own (a failure
    # here fails the caller's transaction too, which is what it should do). When the
    # caller collects the rows to write them in one statement, that statement is the
    # transaction.
    writing = nullcontext() if rows_deferred() else transaction.atomic(savepoint=False)
    with writing:
        return _case_create(
            reporter=reporter,
            category=category,
            priority=priority,
            source=source,
            description=description,
            address=address,
            area=area,
            lat=wlat,
            lng=wlng,
            anonymous=anonymous,
            reporter_name=reporter_name,
            phone=phone,
            dispatcher=dispatcher,
            checked=checked,
            now=now,
            request=request,
            private=private,
        )


def _case_create(
    *,
    reporter,
    category,
    priority,
    source,
    description,
    address,
    area,
    lat,
    lng,
    anonymous,
    reporter_name,
    phone,
    dispatcher,
    checked,
    now,
    request,
    private=False,
) -> Case:
    number, case_id = case_number_next(now)
    case = Case(
        id=case_id,
        number=number,
        token=secrets.token_urlsafe(18),
        category=category,
        priority=priority,
        status=Status.REPORTED,
        source=source,
        description=description,
        address=address,
        lat=lat,
        lng=lng,
        grid=area if area.kind in (AreaKind.GRID, AreaKind.MICROGRID) else None,
        area_path=area.path,
        reporter=reporter,
        anonymous=anonymous,
        private=private,
        reporter_name="" if anonymous else reporter_name[:50],
        reporter_phone_enc=crypto.encrypt(phone),
        dispatcher_area=dispatcher,
        created_at=now,
        updated_at=now,
    )
    if case_id is None:
        if rows_deferred():
            raise RuntimeError("rows can be deferred only where the case id is drawn first")
        insert_row(case)  # the database gives the id (SQLite)
    # Intake is the hottest write: on PostgreSQL the case, its first event and its audit
    # row are one statement, built once (core.inserts).
    event = case_event_write(
        extra_rows=(case,) if case._state.adding else (),
        case=case,
        action="report",
        at=now,
        actor=reporter,
        from_status="",
        to_status=Status.REPORTED,
        data={"source": source},
        audit_detail={"number": case.number, "source": source},
        request=request,
    )
    photos_store(case=case, checked=checked, kind="report", actor=reporter, event=event)
    return case
