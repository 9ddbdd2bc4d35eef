"""Fee collection and resolution progress through the shared import engine."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.areas.models import Area, Estate
from wangge.consultation import services as consultation
from wangge.consultation.models import Resolution
from wangge.imports.engine import import_run
from wangge.property.models import FeeRecord


def xlsx(header, rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("表.xlsx", buffer.getvalue())


FEE_HEADER = ["网格编码", "小区名称", "月份", "应收金额", "实收金额", "应缴户数", "已缴户数"]


def test_fees_are_imported_in_scope_and_bad_rows_reported(world):
    Estate.objects.create(grid=world.grid, name="幸福小区")
    other_grid = Area.objects.filter(path__startswith=world.other_community.path, depth=5).first()
    Estate.objects.create(grid=other_grid, name="别处小区")
    upload = xlsx(FEE_HEADER, [
        [world.grid.code, "幸福小区", "2026-05", 1000, 800, 10, 8],
        [world.grid.code, "幸福小区", "2026年4月", 1000, 900, 10, 9],
        [other_grid.code, "别处小区", "2026-05", 1000, 800, 10, 8],
        [world.grid.code, "幸福小区", "2026-03", 1000, 1200, 10, 8],
        [world.grid.code, "幸福小区", "2026-05", 1000, 800, 10, 8],
    ])
    result = import_run(actor=world.community_staff, kind="property_fees", mode="valid_rows", upload=upload)
    assert sorted(FeeRecord.objects.values_list("period", "amount_paid")) == [
        (date(2026, 4, 1), Decimal("900.00")), (date(2026, 5, 1), Decimal("800.00")),
    ]
    assert [(e.row, e.column) for e in result.errors] == [(4, "网格编码"), (5, "实收金额"), (6, "月份")]


def test_resolution_progress_is_imported_and_rolls_up(world):
    staff = world.community_staff
    parent = consultation.resolution_create(actor=staff, community=world.community, title="改造",
                                            owner="居委会", due_date=date(2026, 9, 1))
    child = consultation.resolution_create(actor=staff, community=world.community, title="外墙",
                                           owner="住建局", due_date=date(2026, 9, 1), parent_id=parent.pk)
    theirs = consultation.resolution_create(actor=world.other_community_staff, community=world.other_community,
                                            title="别处", owner="居委会", due_date=date(2026, 9, 1))
    upload = xlsx(["事项编号", "进度", "进展说明"], [
        [child.pk, 60, "招标完成"], [theirs.pk, 50, ""], [parent.pk, 10, ""],
    ])
    result = import_run(actor=staff, kind="resolution_progress", mode="valid_rows", upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [(3, "事项编号"), (4, "进度")]
    assert Resolution.objects.get(pk=parent.pk).progress == 60
    assert Resolution.objects.get(pk=theirs.pk).progress == 0
