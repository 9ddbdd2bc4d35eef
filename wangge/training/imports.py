"""Import kind: online learning records from the online platform's spreadsheet (one row
per course a cadre studied: learner number, name, course, date, minutes). The ledger turns
minutes into hours by the rules (≥ 30 minutes = 1 hour, 15–30 = 0.5, under 15 = 0.25).
Rows must name cadres in the importing user's scope; the platform's record number makes a
second import of the same file add nothing."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.inserts import bulk_insert
from wangge.imports.cells import CellInvalid, cell_text, parse_date, text_parser
from wangge.imports.kinds import BATCH_SIZE, Column, KindHandler, Row
from wangge.imports.registry import Kind

from . import permissions as perms
from .models import CreditRecord, CreditSource
from .selectors import cadres_visible_to


def _minutes(value) -> int:
    text = cell_text(value)
    try:
        minutes = round(float(text))
    except ValueError:
        raise CellInvalid(_("学习时长应为分钟数")) from None
    if not 1 <= minutes <= 10000:
        raise CellInvalid(_("学习时长应在 1 到 10000 分钟之间"))
    return minutes


class OnlineLearningHandler(KindHandler):
    title = "网络学习记录"
    created_labels = {"records": "条学习记录"}
    columns = (
        Column("code", "学员编号", required=True, aliases=("干部编号", "学号"), text=True,
               note="须为您所管单位的干部", example="GB0001"),
        Column("name", "姓名", required=True, example="张明"),
        Column("title", "课程名称", required=True, aliases=("课程",), example="习近平新时代中国特色社会主义思想专题"),
        Column("date", "学习日期", required=True, aliases=("完成日期",), example="2026-03-01"),
        Column("minutes", "学习时长（分钟）", required=True, aliases=("学习时长", "时长"), example=45),
        Column("external", "记录号", aliases=("平台记录号",), text=True, note="平台导出的记录编号，用于去重"),
    )
    notes = ("每行一门课程的学习记录；学时按规则由分钟数折算。",)
    write_roles = perms.LEDGER_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[str, int] = {}
        self._cadres: dict[str, tuple[int, str, str]] | None = None

    def cadres(self) -> dict[str, tuple[int, str, str]]:
        """code → (pk, name, area path) of every cadre in the user's scope, read once per
        import (a city has ~30,000; one query instead of one per batch)."""
        if self._cadres is None:
            self._cadres = {
                code: (pk, name, path)
                for code, pk, name, path in cadres_visible_to(self.user).values_list("code", "pk", "name", "area_path")
            }
        return self._cadres

    def check_fields(self, row: Row) -> None:
        row.data["code"] = self.field(row, "code", text_parser(30, "学员编号"), "")
        row.data["name"] = self.field(row, "name", text_parser(50, "姓名"), "")
        row.data["title"] = self.field(row, "title", text_parser(150, "课程名称"), "")
        row.data["date"] = self.field(row, "date", parse_date)
        row.data["minutes"] = self.field(row, "minutes", _minutes)
        row.data["external"] = self.field(row, "external", text_parser(40, "记录号"), "")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        cadres = self.cadres()
        externals = {row.data["external"] for row in candidates if row.data["external"]}
        registered = set(
            CreditRecord.objects.filter(source=CreditSource.ONLINE, external_id__any=list(externals))
            .values_list("external_id", flat=True)
        ) if externals else set()
        for row in candidates:
            found = cadres.get(row.data["code"])
            if found is None:
                row.fail("code", "没有该学员编号的干部，或不在您的管理范围内")
                continue
            if found[1] != row.data["name"]:
                row.fail("name", f"姓名与学员编号不符（系统中为 {found[1]}）")
                continue
            external = row.data["external"]
            if external and external in self.seen:
                row.fail("external", f"与第 {self.seen[external]} 行的记录号重复")
            elif external and external in registered:
                row.fail("external", "该记录已导入")
            else:
                if external:
                    self.seen[external] = row.number
                row.data["cadre"] = found

    def insert(self, rows: list[Row]) -> None:
        records = [
            CreditRecord(
                cadre_id=row.data["cadre"][0], area_path=row.data["cadre"][2], source=CreditSource.ONLINE,
                date=row.data["date"], title=row.data["title"], minutes=row.data["minutes"],
                external_id=row.data["external"],
            )
            for row in rows
        ]
        bulk_insert(records, batch_size=BATCH_SIZE)  # COPY on PostgreSQL
        self.count("records", len(records))


IMPORT_KINDS = [
    Kind(key="training_online", label=gettext_lazy("网络学习记录"), handler=OnlineLearningHandler,
         permission=perms.can_read_ledgers),
]
