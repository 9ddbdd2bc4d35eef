"""Excel export of the member ledger within the user's party scope (audited).

ID numbers and phones are always masked: an export leaves the system. Headers follow the
member-ledger import (imports.MemberHandler), so a sheet can be read back after its
masked columns are filled in. Rows are written one by one to a write-only workbook on
disk; the file is streamed from a temp file that disappears when it is closed."""

import tempfile
from typing import IO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from wangge.audit.selectors import audit_recent_count
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.imports.excel import XlsxWriter
from wangge.party import selectors
from wangge.party.permissions import can_read_party

HEADERS = [
    "组织关系所在党组织编码", "组织关系所在党组织", "姓名", "身份证号码（脱敏）", "性别", "出生日期",
    "联系电话（脱敏）", "入党日期", "党员类别", "预备期满", "转正日期", "状态", "党内职务",
    "党费缴至（年-月）", "在职党员", "工作单位", "参加活动党组织", "居住社区",
]
GENDERS = {"male": "男", "female": "女"}
CHUNK = 2000


def member_export(*, actor, org=None, status: str = "", stage: str = "", request=None) -> tuple[str, IO[bytes]]:
    """(file name, open binary file at 0) of the members in the actor's party scope, of
    ``org``'s subtree when given; one audit row with the count and the filters."""
    if not can_read_party(actor):
        raise PermissionRefused(gettext("您没有导出数据的权限"))
    if audit_recent_count(action="export", actor=actor) >= settings.WANGGE_EXPORT_PER_HOUR:
        raise ApplicationError(gettext("导出过于频繁，请一小时后再试"), code="rate_limited")
    members = selectors.member_list(user=actor, org=org, status=status, stage=stage).select_related(
        "org", "activity_org", "residence")
    title = "党员台账"
    writer = XlsxWriter()
    writer.sheet(title, HEADERS)
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for m in members.iterator(chunk_size=CHUNK):
            writer.append(title, [
                m.org.code, m.org.name, m.name, m.id_number_masked, GENDERS.get(m.gender, m.gender),
                _day(m.birth_date), m.phone_masked, _day(m.admitted_on), m.get_stage_display(),
                _day(m.probation_ends), _day(m.full_on), m.get_status_display(), m.post,
                m.dues_paid_until, "是" if m.in_service else "否", m.work_unit,
                m.activity_org.name if m.activity_org_id else "", m.residence.name if m.residence_id else "",
            ])
            count += 1
    handle = tempfile.TemporaryFile(prefix="wangge-party-", suffix=".xlsx")  # noqa: SIM115
    try:
        writer.save(handle)
        handle.seek(0)
    except Exception:
        handle.close()
        raise
    audit_record(action="export", actor=actor, request=request, object_type="party.member",
                 object_id=org.pk if org is not None else "",
                 detail={"kind": "party_members", "rows": count, "org": org.code if org is not None else None,
                         "filters": sorted(k for k, v in (("status", status), ("stage", stage)) if v)})
    stamp = clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y%m%d-%H%M")
    return f"{title}导出-{stamp}.xlsx", handle


def _day(value) -> str:
    return value.isoformat() if value else ""
