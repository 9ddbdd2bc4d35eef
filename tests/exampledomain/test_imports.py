"""The example domain's import kind shows up on the import page and imports rows, found
through tests/exampledomain/imports.py alone."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.exampledomain.models import Bench
from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.audit.models import AuditEvent
from wangge.imports.engine import import_run
from wangge.imports.registry import import_kinds
from wangge.testing import grids, make_user


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["网格编码", "名称", "损坏"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("长椅.xlsx", buffer.getvalue())


@pytest.fixture
def setting(city):
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    mine = Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path).first()
    staff = make_user(Role.COMMUNITY_STAFF, community, username="staff1")
    return {"staff": staff, "grid": mine, "outside": grids()[-1]}


def test_the_bench_kind_is_registered_from_its_own_module():
    kind = import_kinds()["benches"]
    assert (kind.label, kind.audit_type) == ("长椅", "exampledomain.import")
    assert list(import_kinds()).index("benches") > list(import_kinds()).index("residents")


def test_import_page_lists_the_bench_kind_and_serves_its_template(client, setting):
    client.force_login(setting["staff"])
    page = client.get("/people/import/").content.decode()
    assert '<option value="benches">长椅</option>' in page
    assert 'href="/people/import/template/benches/">长椅导入模板</a>' in page
    response = client.get("/people/import/template/benches/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in book.active[1]] == ["网格编码", "名称", "损坏"]
    assert [cell.value for cell in book.active[2]] == [setting["grid"].code, "东门长椅", "否"]


def test_valid_rows_are_applied_and_bad_rows_reported(setting):
    # given a file with two good rows, an out-of-scope grid, a bad flag and a repeat
    grid, outside = setting["grid"].code, setting["outside"].code
    upload = xlsx(
        [
            [grid, "东门长椅", "否"],
            [grid, "西门长椅", "是"],
            [outside, "别处长椅", "否"],
            [grid, "南门长椅", "也许"],
            [grid, "东门长椅", ""],
        ]
    )
    # when the community staff imports it, applying the valid rows
    result = import_run(actor=setting["staff"], kind="benches", mode="valid_rows", upload=upload)
    # then the good rows are written in their grid, and each bad row is reported
    assert sorted(Bench.objects.values_list("name", "broken", "area_path")) == [
        ("东门长椅", False, setting["grid"].path),
        ("西门长椅", True, setting["grid"].path),
    ]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "网格编码", "网格编码不存在或不在您的管辖范围内"),
        (5, "损坏", "「也许」不是可选值，可填：是、否"),
        (6, "名称", "与第 2 行的长椅重名"),
    ]
    assert (result.created, result.rejected_rows) == ({"benches": 2}, 3)
    event = AuditEvent.objects.get(action="import")
    assert (event.object_type, event.object_id) == ("exampledomain.import", "benches")


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(setting):
    upload = xlsx([[setting["grid"].code, "东门长椅", "否"], [setting["outside"].code, "x", ""]])
    result = import_run(
        actor=setting["staff"], kind="benches", mode="all_or_nothing", upload=upload
    )
    assert (result.applied, result.rejected_rows) == (False, 1)
    assert Bench.objects.count() == 0


def test_page_previews_then_imports_benches(client, setting):
    client.force_login(setting["staff"])
    upload = xlsx([[setting["grid"].code, "东门长椅", "否"]])
    response = client.post(
        "/people/import/", {"kind": "benches", "mode": "valid_rows", "file": upload}
    )
    assert "预览：尚未写入任何数据。将导入长椅 1 条。" in response.content.decode()
    assert Bench.objects.count() == 0
    token = response.context["confirm"]["token"]
    response = client.post(
        "/people/import/", {"token": token, "kind": "benches", "mode": "valid_rows"}
    )
    assert "已导入长椅 1 条。" in response.content.decode()
    assert Bench.objects.get().name == "东门长椅"


def test_user_without_the_import_role_cannot_import_benches(client, setting):
    worker = make_user(Role.GRID_WORKER, setting["grid"], username="worker")
    client.force_login(worker)
    upload = xlsx([[setting["grid"].code, "东门长椅", "否"]])
    response = client.post(
        "/people/import/", {"kind": "benches", "mode": "valid_rows", "file": upload}
    )
    assert response.status_code == 404
    assert Bench.objects.count() == 0
