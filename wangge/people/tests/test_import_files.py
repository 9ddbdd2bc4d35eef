"""Excel import: refused files (not Excel, too big, zip bomb) and temp copies removed."""

import io
import tempfile
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from wangge.audit.models import AuditEvent
from wangge.people.excel import UploadRejected
from wangge.people.importing import (
    ImportKind,
    ImportMode,
    people_import,
)
from wangge.people.models import Resident
from wangge.people.tests.importkit import counts, xlsx
from wangge.testing import valid_id_number


def test_non_excel_file_renamed_xlsx_is_refused_on_the_page(client, setting):
    client.force_login(setting["staff"])
    before = counts()
    fake = SimpleUploadedFile("residents.xlsx", b"name,id\nx,1\n" * 20)
    response = client.post(
        "/people/import/", {"kind": "residents", "mode": "valid_rows", "file": fake}
    )
    assert response.status_code == 400
    assert "文件内容不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert counts() == before
    event = AuditEvent.objects.get(action="import")
    assert (event.outcome, event.detail["refused"]) == ("failure", "not_excel")


def test_zip_that_is_not_a_workbook_is_refused(setting):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadRejected, match="不是 Excel 工作簿"):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=SimpleUploadedFile("a.xlsx", buffer.getvalue()),
        )


@override_settings(WANGGE_IMPORT_MAX_BYTES=4096)
def test_oversized_file_is_refused_by_service_and_page(client, setting):
    big = xlsx(
        [
            ["某", "", "", valid_id_number(seq=n), "", setting["grid"].code, "H", "x", ""]
            for n in range(300)
        ]
    )
    assert big.size > 4096
    before = counts()
    with pytest.raises(UploadRejected, match="文件超过"):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=big,
        )
    client.force_login(setting["staff"])
    big.seek(0)
    response = client.post(
        "/people/import/", {"kind": "residents", "mode": "valid_rows", "file": big}
    )
    assert response.status_code == 400 and "文件超过" in response.content.decode()
    assert counts() == before


def _bomb(entry_size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * entry_size)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_it_is_opened(setting):
    # given a small file that would unpack to 50 MB
    bomb = _bomb(50 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    before = counts()
    with pytest.raises(UploadRejected, match="解压后过大") as refused:
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=SimpleUploadedFile("b.xlsx", bomb),
        )
    assert refused.value.code == "zip_bomb"
    assert counts() == before


@override_settings(WANGGE_IMPORT_MAX_UNPACKED_BYTES=512 * 1024)
def test_unpacked_size_limit_applies_even_at_a_plausible_ratio(setting):
    with pytest.raises(UploadRejected, match="解压后过大"):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=SimpleUploadedFile("b.xlsx", _bomb(600 * 1024)),
        )


def test_temp_copies_of_uploads_are_removed(setting, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    upload = xlsx(
        [["甲", "", "", valid_id_number(seq=95), "", setting["grid"].code, "H-1", "x", ""]]
    )
    people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    with pytest.raises(UploadRejected):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=SimpleUploadedFile("x.xlsx", b"not excel"),
        )
    assert list(tmp_path.glob("wangge-import-*")) == []
    assert Resident.objects.count() == 1
