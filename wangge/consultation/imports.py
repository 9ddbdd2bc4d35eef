"""Resolution progress from a spreadsheet (shared import engine): one row per resolution
number with its progress and a note; parents roll up as when updated on the page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.consultation.models import Resolution
from wangge.consultation.permissions import WRITE_ROLES, can_write_consultation, can_write_in
from wangge.consultation.services import resolution_update
from wangge.imports.cells import CellInvalid, cell_text, text_parser
from wangge.imports.kinds import Column, KindHandler, Row
from wangge.imports.registry import Kind


def parse_progress(value) -> int:
    text = cell_text(value).rstrip("%").strip()
    try:
        number = float(text)
    except ValueError as exc:
        raise CellInvalid(_("进度请填 0 到 100 的数字")) from exc
    if 0 < number <= 1 and "." in text:
        number *= 100  # a percentage cell (0.6 = 60 %)
    if not 0 <= number <= 100:
        raise CellInvalid(_("进度请填 0 到 100 的数字"))
    return round(number)


class ProgressHandler(KindHandler):
    title = "决议事项进度"
    created_labels = {"updates": "条进度"}
    columns = (
        Column("resolution", "事项编号", required=True, text=True, example="12", note="决议事项页面上的编号"),
        Column("progress", "进度", required=True, aliases=("进度(%)",), example=60),
        Column("note", "进展说明", example="已完成施工招标"),
    )
    notes = ("有下级事项的进度由下级汇总，不能直接导入。",)
    write_roles = WRITE_ROLES

    def check_fields(self, row: Row) -> None:
        text = cell_text(row.cells.get("resolution"))
        row.data["resolution"] = int(text) if text.isdigit() else None
        if row.data["resolution"] is None:
            row.fail("resolution", _("事项编号应为数字"))
        row.data["progress"] = self.field(row, "progress", parse_progress)
        row.data["note"] = self.field(row, "note", text_parser(300, "进展说明"), "")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        found = {
            r.pk: r for r in Resolution.objects.filter(pk__in={row.data["resolution"] for row in candidates})
        }
        seen: set[int] = set()
        for row in candidates:
            resolution = found.get(row.data["resolution"])
            if resolution is None or not can_write_in(self.user, resolution.area_path):
                row.fail("resolution", _("事项编号不存在或不在您的管辖范围内"))
            elif resolution.children.exists():
                row.fail("progress", _("有下级事项的进度由下级汇总，不能直接填写"))
            elif resolution.pk in seen:
                row.fail("resolution", _("同一事项重复出现"))
            else:
                seen.add(resolution.pk)

    def insert(self, rows: list[Row]) -> None:
        for row in rows:
            resolution_update(actor=self.user, resolution_id=row.data["resolution"],
                              progress=row.data["progress"], note=row.data["note"] or _("表格导入"))
        self.count("updates", len(rows))


IMPORT_KINDS = [
    Kind(key="resolution_progress", label=gettext_lazy("决议事项进度"), handler=ProgressHandler,
         permission=can_write_consultation)
]
