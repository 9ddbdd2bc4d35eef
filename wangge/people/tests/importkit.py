"""Shared by the import tests: a resident sheet, the row counts, distinct ID numbers."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.areas.models import Building
from wangge.people.models import Household, Resident
from wangge.testing import valid_id_number

RESIDENT_HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "证件号码",
    "联系电话",
    "网格编码",
    "户编号",
    "住址",
    "关爱标签",
]


def xlsx(rows: list[list], header: list[str] = RESIDENT_HEADER, name: str = "data.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def counts() -> tuple[int, int, int]:
    return Resident.objects.count(), Household.objects.count(), Building.objects.count()


def unique_ids(count: int, year: int = 1960) -> list[str]:
    return [
        valid_id_number(birth=f"{year}01{1 + n // 1000:02d}", seq=n % 1000) for n in range(count)
    ]
