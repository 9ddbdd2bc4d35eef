"""The online platform's spreadsheet through the shared import engine."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.imports.engine import import_run
from wangge.training.ledger import cadre_ledger
from wangge.training.models import Cadre, CreditRecord, CreditSource

HEADER = ["学员编号", "姓名", "课程名称", "学习日期", "学习时长（分钟）", "记录号"]


def xlsx(rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("网络学习.xlsx", buffer.getvalue())


def test_online_records_import_and_count_by_the_rules(tw):
    Cadre.objects.filter(pk=tw.cadre.pk).update(code="A001")
    Cadre.objects.filter(pk=tw.other.pk).update(code="B001")
    rows = [
        ["A001", "张明", "党史专题", "2026-03-01", 45, "R1"],
        ["A001", "张明", "法治专题", "2026-03-02", 20, "R2"],
        ["B001", "王强", "经济专题", "2026-03-02", 60, "R3"],  # another unit's cadre
        ["A001", "张三", "法治专题", "2026-03-02", 20, "R4"],  # wrong name
    ]
    result = import_run(actor=tw.officer_a, kind="training_online", mode="valid_rows", upload=xlsx(rows))
    assert result.applied
    assert CreditRecord.objects.filter(source=CreditSource.ONLINE).count() == 2
    assert not CreditRecord.objects.filter(cadre=tw.other).exists()
    (year,) = cadre_ledger(cadre=tw.cadre, years=[2026])
    assert year.by_source[CreditSource.ONLINE] == 1.5
    again = import_run(actor=tw.officer_a, kind="training_online", mode="valid_rows", upload=xlsx(rows[:2]))
    assert CreditRecord.objects.filter(source=CreditSource.ONLINE).count() == 2
    assert again.errors


def test_import_page_offers_the_kind_to_officers(client, tw):
    client.force_login(tw.officer_a)
    page = client.get("/people/import/").content.decode()
    assert 'value="training_online"' in page
