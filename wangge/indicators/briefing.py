"""The monthly briefing (月度通报): the indicator table and the rankings of a node.

The print page and the Excel file read the same ``Dashboard``. The Excel export is
audited, rate-limited like every export, and escapes text cells that a spreadsheet
would take for a formula.
"""

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from wangge.areas.models import Area
from wangge.audit.selectors import audit_recent_count
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.indicators.dashboard import Dashboard, dashboard_build, indicator_meta
from wangge.indicators.periods import Period

# Characters that make a spreadsheet read a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value):
    """Numbers stay numbers; text that could start a formula gets a leading apostrophe."""
    if value is None:
        return "—"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def briefing_build(*, user, area: Area, period: Period) -> Dashboard:
    return dashboard_build(user=user, area=area, period=period, with_trend=False)


def briefing_title(briefing: Dashboard) -> str:
    return f"{briefing.area.name}{briefing.period.label}网格化基层治理工作通报"


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([cell_text(value) for value in row])
    for index, header in enumerate(headers, start=1):
        width = max(10, min(40, len(header) * 2 + 4))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    return sheet


def briefing_workbook(briefing: Dashboard) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "通报"
    cover.append([cell_text(briefing_title(briefing))])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["统计区域", cell_text(briefing.area.name)])
    cover.append(["区划代码", cell_text(briefing.area.code)])
    cover.append(["统计月份", briefing.period.label])
    cover.append(["生成时间", clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")])
    cover.append(["说明", "全部数据由系统根据业务记录自动计算；标注“当前”的为时点数"])
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 60

    _sheet(
        workbook,
        "主要指标",
        ["类别", "指标", "数值", "单位", "口径"],
        [
            [
                row["group"],
                row["name"],
                row["value"],
                row["unit"],
                "当月" if row["flow"] else "当前",
            ]
            for row in briefing.table
            if row["available"]
        ],
    )
    if briefing.ranking:
        columns = [briefing.rank_by, *briefing.ranking_columns]
        meta = indicator_meta(columns)
        _sheet(
            workbook,
            "下级区域排名",
            [
                "名次",
                briefing.child_label or "区域",
                "区划代码",
                *(f"{meta[c]['name']}（{meta[c]['unit']}）" for c in columns),
            ],
            [
                [
                    row["rank"],
                    row["area"].name,
                    row["area"].code,
                    *(row["values"].get(c) for c in columns),
                ]
                for row in briefing.ranking
            ],
        )
    if briefing.department_columns:
        meta = indicator_meta(briefing.department_columns)
        _sheet(
            workbook,
            "职能部门排名",
            [
                "名次",
                "部门",
                *(f"{meta[c]['name']}（{meta[c]['unit']}）" for c in briefing.department_columns),
            ],
            [
                [
                    row["rank"],
                    row["department"].name,
                    *(row["values"].get(c) for c in briefing.department_columns),
                ]
                for row in briefing.departments
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _limit_reached(actor) -> bool:
    per_hour = settings.WANGGE_EXPORT_PER_HOUR
    return audit_recent_count(action="export", actor=actor) >= per_hour


def briefing_export(*, actor, area: Area, period: Period, request=None) -> bytes:
    """The briefing as .xlsx for ``actor`` (scope checked by the build); audited."""
    if _limit_reached(actor):
        raise ApplicationError("导出过于频繁，请稍后再试", code="rate_limited")
    briefing = briefing_build(user=actor, area=area, period=period)
    content = briefing_workbook(briefing)
    audit_record(
        action="export",
        actor=actor,
        request=request,
        obj=area,
        detail={"kind": "monthly_briefing", "period": period.key},
    )
    return content
