"""Fee collection from the property company's spreadsheet (shared import engine).

One row per estate and month: receivable and collected, by amount and by household. A
month already recorded is replaced (the company's sheet is the source)."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.areas.models import Estate
from wangge.imports.cells import CellInvalid, cell_text, parse_date, text_parser
from wangge.imports.kinds import Column, KindHandler, Row
from wangge.imports.registry import Kind
from wangge.property.permissions import WRITE_ROLES, can_write_property
from wangge.property.services import fee_check, fee_record


def parse_month(value) -> date:
    text = cell_text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1)
        raise CellInvalid(_("月份不存在"))
    day = parse_date(value)
    if day is None:
        raise CellInvalid(_("月份格式无法识别（可填 2026-05）"))
    return day.replace(day=1)


def parse_amount(value) -> Decimal:
    try:
        amount = Decimal(cell_text(value).replace(",", ""))
    except InvalidOperation as exc:
        raise CellInvalid(_("请填写金额数字")) from exc
    if amount < 0 or amount >= Decimal("10000000000"):
        raise CellInvalid(_("金额超出范围"))
    return amount.quantize(Decimal("0.01"))


def parse_count(value) -> int:
    text = cell_text(value)
    if not text.isdigit() or int(text) > 1_000_000:
        raise CellInvalid(_("请填写户数（非负整数）"))
    return int(text)


class FeeHandler(KindHandler):
    title = "物业费收缴"
    created_labels = {"fees": "条收缴记录"}
    columns = (
        Column("grid", "网格编码", required=True, text=True, note="小区所在网格，须在您的管辖范围内"),
        Column("estate", "小区名称", required=True, example="幸福小区"),
        Column("month", "月份", required=True, example="2026-05", text=True),
        Column("amount_due", "应收金额", required=True, aliases=("应收金额(元)",), example=120000),
        Column("amount_paid", "实收金额", required=True, aliases=("实收金额(元)",), example=98000),
        Column("households_due", "应缴户数", required=True, example=300),
        Column("households_paid", "已缴户数", required=True, example=260),
    )
    notes = ("每行一个小区一个月；同一小区同一月份再次导入将覆盖原记录。",)
    write_roles = WRITE_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[tuple[int, date], int] = {}

    def check_fields(self, row: Row) -> None:
        row.data["grid"] = self.field(row, "grid", self.grids.resolve)
        row.data["estate"] = self.field(row, "estate", text_parser(100, "小区名称"), "")
        row.data["month"] = self.field(row, "month", parse_month)
        for key in ("amount_due", "amount_paid"):
            row.data[key] = self.field(row, key, parse_amount)
        for key in ("households_due", "households_paid"):
            row.data[key] = self.field(row, key, parse_count)
        if not row.errors:
            try:
                fee_check(**{k: row.data[k] for k in ("amount_due", "amount_paid", "households_due",
                                                       "households_paid")})
            except Exception as exc:  # ApplicationError: the message names the column
                row.fail(getattr(exc, "field", "amount_paid") or "amount_paid", getattr(exc, "message", str(exc)))

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        estates = {
            (e.grid_id, e.name): e
            for e in Estate.objects.filter(
                grid_id__in={row.data["grid"].id for row in candidates},
                name__in={row.data["estate"] for row in candidates},
            )
        }
        for row in candidates:
            estate = estates.get((row.data["grid"].id, row.data["estate"]))
            if estate is None:
                row.fail("estate", _("该网格内没有这个小区"))
                continue
            key = (estate.pk, row.data["month"])
            if key in self.seen:
                row.fail("month", _("与第 %(n)s 行重复") % {"n": self.seen[key]})
                continue
            self.seen[key] = row.number
            row.data["estate_obj"] = estate

    def insert(self, rows: list[Row]) -> None:
        for row in rows:
            data = row.data
            fee_record(actor=self.user, estate=data["estate_obj"], period=data["month"],
                       amount_due=data["amount_due"], amount_paid=data["amount_paid"],
                       households_due=data["households_due"], households_paid=data["households_paid"],
                       audit=False)
        self.count("fees", len(rows))


IMPORT_KINDS = [
    Kind(key="property_fees", label=gettext_lazy("物业费收缴"), handler=FeeHandler, permission=can_write_property)
]
