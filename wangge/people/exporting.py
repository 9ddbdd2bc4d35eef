"""Excel export of residents, households and buildings within the user's export scope.

ID numbers and phones are always masked: an export leaves the system, so it never
carries a plaintext ID number; sensitive care tags are left out for the same reason.
Rows are written one by one to a write-only workbook on disk, every text cell escaped
against formula injection, and the finished file is streamed from a temp file that
disappears when it is closed.
"""

import tempfile
from typing import IO, Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, Building
from wangge.audit.selectors import audit_recent_count
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.imports.excel import XlsxWriter
from wangge.people.models import CareTag, Resident
from wangge.people.permissions import EXPORT_ROLES, can_export
from wangge.people.selectors import household_list_visible_to, resident_list_visible_to

EXPORT_KINDS = {"residents": "居民", "households": "户", "buildings": "楼栋"}
CHUNK = 2000

RESIDENT_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "证件类型",
    "证件号码（脱敏）",
    "联系电话（脱敏）",
    "与户主关系",
    "居住状态",
    "民族",
    "网格编码",
    "网格",
    "户编号",
    "住址",
    "备注",
    "关爱标签",
]
HOUSEHOLD_HEADERS = ["户编号", "网格编码", "网格", "住址", "房号", "楼栋", "居民人数"]
BUILDING_HEADERS = ["网格编码", "网格", "楼栋名称", "小区名称", "地址", "层数"]


def _export_limit_reached(actor) -> bool:
    per_hour = settings.WANGGE_EXPORT_PER_HOUR
    return audit_recent_count(action="export", actor=actor) >= per_hour


def _residents(actor, filters: dict) -> tuple[QuerySet, Any]:
    residents = filter_to_scope(
        resident_list_visible_to(
            user=actor,
            area=filters.get("area"),
            name=filters.get("name", ""),
            care_tag=filters.get("care_tag", ""),
            residence_status=filters.get("residence_status", ""),
            id_number=filters.get("id_number", ""),
        ),
        actor,
        roles=EXPORT_ROLES,
    ).select_related("household__grid")
    residents = residents.prefetch_related(
        Prefetch("care_tags", queryset=CareTag.objects.filter(sensitive=False), to_attr="open_tags")
    )

    def row(resident: Resident) -> list:
        household = resident.household
        return [
            resident.name,
            resident.get_gender_display(),
            resident.birth_date.isoformat() if resident.birth_date else "",
            resident.get_doc_type_display(),
            resident.id_number_masked,
            resident.phone_masked,
            resident.get_relation_display(),
            resident.get_residence_status_display(),
            resident.ethnicity,
            household.grid.code,
            household.grid.name,
            household.code,
            household.address,
            resident.notes,
            "、".join(tag.name for tag in resident.open_tags),
        ]

    return residents, row


def _households(actor, filters: dict) -> tuple[QuerySet, Any]:
    households = filter_to_scope(
        household_list_visible_to(user=actor, area=filters.get("area"), q=filters.get("q", "")),
        actor,
        roles=EXPORT_ROLES,
    ).annotate(resident_total=Count("residents"))

    def row(household) -> list:
        return [
            household.code,
            household.grid.code,
            household.grid.name,
            household.address,
            household.room,
            str(household.building) if household.building_id else "",
            household.resident_total,
        ]

    return households, row


def _buildings(actor, filters: dict) -> tuple[QuerySet, Any]:
    buildings = filter_to_scope(Building.objects.all(), actor, roles=EXPORT_ROLES)
    area: Area | None = filters.get("area")
    if area is not None:
        buildings = buildings.filter(area_path__under=area.path)
    buildings = buildings.select_related("grid", "estate").order_by("area_path", "id")

    def row(building: Building) -> list:
        return [
            building.grid.code,
            building.grid.name,
            building.name,
            building.estate.name if building.estate_id else "",
            building.address,
            building.floors or "",
        ]

    return buildings, row


_SOURCES = {
    "residents": (_residents, RESIDENT_HEADERS),
    "households": (_households, HOUSEHOLD_HEADERS),
    "buildings": (_buildings, BUILDING_HEADERS),
}


def people_export(
    *, actor, kind: str, filters: dict | None = None, request=None
) -> tuple[str, IO[bytes]]:
    """An .xlsx of ``kind`` within the actor's export scope and ``filters``.

    Returns ``(file name, open binary file at position 0)``; the caller closes the file,
    which deletes it. Writes one audit row with the count and the filter names only.
    """
    if not can_export(actor):
        raise PermissionRefused(gettext("您没有导出数据的权限"))
    if kind not in _SOURCES:
        raise ApplicationError(gettext("未知的导出类型"), field="kind")
    if _export_limit_reached(actor):
        raise ApplicationError(gettext("导出过于频繁，请一小时后再试"), code="rate_limited")
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    source, headers = _SOURCES[kind]
    queryset, to_row = source(actor, filters)
    title = EXPORT_KINDS[kind]
    writer = XlsxWriter()
    writer.sheet(title, headers)
    count = 0
    # The sheet speaks the site's own language (its headers are Chinese, and an export can
    # be imported again), whatever language the page that asked for it is shown in.
    with translation.override(settings.LANGUAGE_CODE):
        for obj in queryset.iterator(chunk_size=CHUNK):
            writer.append(title, to_row(obj))
            count += 1
    # Handed to the response, which closes (and so deletes) it after streaming.
    handle = tempfile.TemporaryFile(prefix="wangge-export-", suffix=".xlsx")  # noqa: SIM115
    try:
        writer.save(handle)
        handle.seek(0)
    except Exception:
        handle.close()
        raise
    area = filters.get("area")
    audit_record(
        action="export",
        actor=actor,
        request=request,
        object_type="people.export",
        object_id=kind,
        # Filter names only: a searched ID number is personal data and stays out of the log.
        detail={
            "kind": kind,
            "rows": count,
            "area": area.code if area is not None else None,
            "filters": sorted(key for key in filters if key != "area"),
        },
    )
    stamp = clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y%m%d-%H%M")
    return f"{title}导出-{stamp}.xlsx", handle
