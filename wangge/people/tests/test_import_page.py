"""Excel import of households and buildings, the templates, and the import page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import load_workbook

from wangge.accounts.models import Role
from wangge.areas.models import Building, Estate
from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError
from wangge.people.importing import (
    ImportKind,
    ImportMode,
    people_import,
)
from wangge.people.models import Household, Resident
from wangge.people.tests.importkit import counts, xlsx
from wangge.testing import make_household, make_user, valid_id_number


def test_households_import_with_building_and_duplicate_code(setting):
    grid = setting["grid"]
    Building.objects.create(grid=grid, name="3号楼")
    make_household(grid, code="HH-OLD")
    upload = xlsx(
        [
            ["HH-1", grid.code, "3号楼1单元101", "101", "3号楼"],
            ["HH-1", grid.code, "3号楼1单元102", "102", ""],
            ["HH-OLD", grid.code, "x", "", ""],
            ["HH-2", grid.code, "4号楼", "", "4号楼"],
            ["HH-3", setting["outside"].code, "y", "", ""],
        ],
        header=["户编号", "网格编码", "住址", "房号", "楼栋"],
    )
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.HOUSEHOLDS,
        mode=ImportMode.VALID_ROWS,
        upload=upload,
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "户编号", "与第 2 行的户编号重复"),
        (4, "户编号", "该户编号已存在"),
        (5, "楼栋", "该网格内没有这个楼栋"),
        (6, "网格编码", "网格编码不存在或不在您的管辖范围内"),
    ]
    household = Household.objects.get(code="HH-1")
    assert (household.building.name, household.room, household.area_path) == (
        "3号楼",
        "101",
        grid.path,
    )


def test_buildings_import_creates_estates_and_refuses_same_name(setting):
    grid = setting["grid"]
    upload = xlsx(
        [
            [grid.code, "1号楼", "幸福小区", "幸福路1号", 6],
            [grid.code, "2号楼", "幸福小区", "幸福路2号", "十八"],
            [grid.code, "1号楼", "", "", ""],
            [setting["grid2"].code, "1号楼", "幸福小区", "", 12],
        ],
        header=["网格编码", "楼栋名称", "小区名称", "地址", "层数"],
    )
    result = people_import(
        actor=setting["staff"], kind=ImportKind.BUILDINGS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "层数", "层数应为 1–200 的整数"),
        (4, "楼栋名称", "与第 2 行的楼栋重复（同一网格内重名）"),
    ]
    assert result.created == {"estates": 2, "buildings": 2}
    assert Estate.objects.filter(name="幸福小区").count() == 2
    building = Building.objects.get(grid=grid, name="1号楼")
    assert (building.estate.name, building.floors, building.area_path) == ("幸福小区", 6, grid.path)


@pytest.mark.parametrize("kind", ImportKind.values)
def test_template_has_headers_example_and_notes_and_its_example_row_is_refused(
    client, setting, kind
):
    client.force_login(setting["staff"])
    response = client.get(f"/people/import/template/{kind}/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[1] == "填写说明"
    sheet = book.worksheets[0]
    assert sheet.max_row == 2 and sheet["A1"].value
    # when the untouched template is imported, the example row is refused
    result = people_import(
        actor=setting["staff"],
        kind=kind,
        mode=ImportMode.VALID_ROWS,
        upload=SimpleUploadedFile("t.xlsx", content),
    )
    assert [e.reason for e in result.errors] == ["这是模板中的示例行，请删除后再导入"]
    assert counts() == (0, 0, 0)


def test_page_reports_rejected_rows_escaped_and_offers_full_report(client, setting, tmp_path):
    client.force_login(setting["staff"])
    upload = xlsx(
        [["<b>坏</b>", "<i>x</i>", "", "123", "", setting["grid"].code, "H-1", "1号楼", ""]]
    )
    with override_settings(WANGGE_IMPORT_REPORT_DIR=tmp_path):
        response = client.post(
            "/people/import/", {"kind": "residents", "mode": "valid_rows", "file": upload}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "&lt;i&gt;x&lt;/i&gt;" in page and "<i>x</i>" not in page
        assert "身份证号码应为 18 位（最后一位可为 X）" in page
        assert "没有可导入的有效行，未导入任何数据。" in page
        token = page.split("/people/import/report/")[1].split("/")[0]
        report = client.get(f"/people/import/report/{token}/")
        assert report.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.values)
        assert rows[0] == ("行号", "列", "原因", "单元格内容")
        assert [row[:2] for row in rows[1:]] == [(2, "证件号码"), (2, "性别")]
        # and another importer cannot fetch it
        other = make_user(Role.COMMUNITY_STAFF, setting["grid"], username="staff2")
        client.force_login(other)
        assert client.get(f"/people/import/report/{token}/").status_code == 404


def test_page_applies_a_good_file(client, setting):
    client.force_login(setting["staff"])
    upload = xlsx(
        [
            [
                "何一",
                "",
                "",
                valid_id_number(birth="19540101", seq=71),
                "",
                setting["grid"].code,
                "H-1",
                "1号楼",
                "",
            ]
        ]
    )
    response = client.post(
        "/people/import/", {"kind": "residents", "mode": "all_or_nothing", "file": upload}
    )
    # the upload is previewed first: nothing is written yet
    assert response.status_code == 200
    assert "预览：尚未写入任何数据。" in response.content.decode()
    assert Resident.objects.count() == 0
    token = response.context["confirm"]["token"]
    response = client.post(
        "/people/import/",
        {"token": token, "kind": "residents", "mode": "all_or_nothing", "default_grid": ""},
    )
    assert response.status_code == 200
    assert "已导入户 1 条、居民 1 条。" in response.content.decode()
    assert Resident.objects.get().name == "何一"


@pytest.mark.parametrize("role", [None, Role.GRID_WORKER, Role.DISTRICT_OFFICER])
def test_users_without_the_import_role_get_404(client, setting, role):
    user = make_user(role, setting["grid"] if role else None, username="nobody")
    client.force_login(user)
    before = counts()
    upload = xlsx(
        [["何一", "", "", valid_id_number(seq=81), "", setting["grid"].code, "H-1", "x", ""]]
    )
    assert client.get("/people/import/").status_code == 404
    assert client.get("/people/import/template/residents/").status_code == 404
    assert (
        client.post(
            "/people/import/", {"kind": "residents", "mode": "valid_rows", "file": upload}
        ).status_code
        == 404
    )
    assert counts() == before
    with pytest.raises(ApplicationError):
        people_import(actor=user, kind="residents", mode="valid_rows", upload=upload)
    assert not AuditEvent.objects.filter(action="import").exists()


def test_import_page_and_form_errors_render(client, setting):
    client.force_login(setting["staff"])
    page = client.get("/people/import/")
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    response = client.post("/people/import/", {"kind": "residents", "mode": "valid_rows"})
    assert response.status_code == 400 and "这个字段是必填项。" in response.content.decode()


def test_import_post_without_csrf_token_is_refused(setting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setting["staff"])
    upload = xlsx(
        [["何一", "", "", valid_id_number(seq=91), "", setting["grid"].code, "H-1", "x", ""]]
    )
    response = client.post(
        "/people/import/", {"kind": "residents", "mode": "valid_rows", "file": upload}
    )
    assert response.status_code == 403
    assert counts() == (0, 0, 0)
