"""Excel import: every rejected row reported with its reason, the two modes, refused
files (not Excel, too big, zip bomb), scope, duplicates and encryption at rest."""

import io
import tempfile
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from openpyxl import Workbook, load_workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError
from wangge.people.excel import UploadRejected
from wangge.people.importing import (
    EXAMPLE_ID_NUMBER,
    CellInvalid,
    ImportKind,
    ImportMode,
    parse_date,
    people_import,
)
from wangge.people.models import Household, Resident
from wangge.testing import grids, make_household, make_resident, make_user, valid_id_number

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


@pytest.fixture
def setting(city):
    """A community staff member of the first community (2 grids); one grid outside."""
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    mine = list(Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path))
    outside = grids()[-1]
    staff = make_user(Role.COMMUNITY_STAFF, community, username="staff1")
    return {"staff": staff, "grid": mine[0], "grid2": mine[1], "outside": outside}


def test_bad_rows_are_each_reported_and_valid_rows_applied(setting):
    # given a resident already registered and a file mixing good and bad rows
    grid, outside = setting["grid"].code, setting["outside"].code
    registered = valid_id_number(birth="19700101", seq=11)
    make_resident(make_household(setting["grid"]), id_number=registered)
    good1, good2 = (
        valid_id_number(birth="19800101", seq=1),
        valid_id_number(birth="19850202", seq=2),
    )
    bad_check = good1[:17] + ("0" if good1[17] != "0" else "1")
    upload = xlsx(
        [
            [
                "李明",
                "男",
                "1980-01-01",
                good1,
                "13812345678",
                grid,
                "H-001",
                "1号楼101",
                "独居老人、低保/低收入",
            ],
            ["王芳", "女", "1985/2/2", good2, "", "", "H-001", "", ""],
            ["赵三", "男", "", bad_check, "", grid, "H-002", "2号楼", ""],
            [
                "钱四",
                "男",
                "",
                valid_id_number(birth="19900101", seq=3),
                "12345",
                grid,
                "H-002",
                "2号楼",
                "",
            ],
            [
                "孙五",
                "男",
                "1990-13-01",
                valid_id_number(birth="19900101", seq=5),
                "",
                grid,
                "H-002",
                "2号楼",
                "",
            ],
            [
                "周六",
                "未知",
                "",
                valid_id_number(birth="19900101", seq=7),
                "",
                grid,
                "H-002",
                "2号楼",
                "",
            ],
            [
                "吴七",
                "",
                "",
                valid_id_number(birth="19900101", seq=9),
                "",
                outside,
                "H-003",
                "3号楼",
                "",
            ],
            ["郑八", "", "", good1, "", grid, "H-001", "", ""],
            ["冯九", "", "", registered, "", grid, "H-001", "", ""],
            ["", "", "", valid_id_number(birth="19900101", seq=13), "", grid, "H-001", "", ""],
            ["陈十", "", "", valid_id_number(birth="19900101", seq=15), "", grid, "H-004", "", ""],
            [
                "褚一",
                "",
                "",
                valid_id_number(birth="19900101", seq=17),
                "",
                grid,
                "H-001",
                "",
                "不存在",
            ],
            ["示例", "男", "", EXAMPLE_ID_NUMBER, "", grid, "H-001", "", ""],
            [
                "<script>x</script>",
                "",
                "1980.1.1",
                valid_id_number(birth="19800101", seq=19),
                "",
                grid,
                "H-001",
                "",
                "",
            ],
        ]
    )
    before = counts()
    # when the staff member imports "apply valid rows"
    result = people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    # then every rejected row is reported with its column and reason
    reported = [(e.row, e.column, e.reason) for e in result.errors]
    assert reported == [
        (4, "证件号码", "身份证号码校验位不正确，请核对"),
        (5, "联系电话", "电话号码格式不正确（手机号 11 位，固话如 0472-1234567）"),
        (6, "出生日期", "日期不存在，请核对年月日"),
        (7, "性别", "「未知」不是可选值，可填：男、女"),
        (8, "网格编码", "网格编码不存在或不在您的管辖范围内"),
        (9, "证件号码", "与第 2 行的证件号码重复"),
        (10, "证件号码", "该证件号码已登记"),
        (11, "姓名", "姓名不能为空"),
        (12, "住址", "户编号「H-004」尚未登记，新建该户须填写住址"),
        (13, "关爱标签", result.errors[9].reason),
        (14, "证件号码", "这是模板中的示例行，请删除后再导入"),
    ]
    assert result.errors[9].reason.startswith("没有名为「不存在」的关爱标签")
    # and the offending values are echoed, ID numbers and phones masked
    assert result.errors[0].value == bad_check[:3] + "*" * 11 + bad_check[-4:]
    assert result.errors[1].value == "***45"
    assert result.errors[3].value == "未知"
    assert (result.total_rows, result.valid_rows, result.rejected_rows) == (14, 3, 11)
    # and the three valid rows went in, with one household created from grid + address
    assert result.applied and result.created == {"households": 1, "residents": 3}
    assert counts() == (before[0] + 3, before[1] + 1, before[2])
    household = Household.objects.get(code="H-001")
    assert (household.grid_id, household.address) == (setting["grid"].id, "1号楼101")
    li = Resident.objects.get(name="李明")
    assert (li.gender, li.birth_date, li.household_id) == ("male", date(1980, 1, 1), household.id)
    assert li.id_number == good1 and li.phone == "13812345678"
    assert [tag.code for tag in li.care_tags.all()] == ["elderly_alone", "low_income"]
    wang = Resident.objects.get(name="王芳")
    assert (wang.gender, wang.birth_date, wang.area_path) == (
        "female",
        date(1985, 2, 2),
        household.area_path,
    )


def test_all_or_nothing_with_one_bad_row_changes_nothing(setting):
    # given a file of 1,500 good rows (two batches) and one bad row at the end
    grid = setting["grid"].code
    rows = [["某人", "", "", number, "", grid, "H-9", "1号楼", ""] for number in unique_ids(1500)]
    rows.append(["坏行", "", "", "123", "", grid, "H-9", "", ""])
    before = counts()
    # when imported "all or nothing"
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=ImportMode.ALL_OR_NOTHING,
        upload=xlsx(rows),
    )
    # then the bad row is reported and nothing at all was written
    assert [(e.row, e.column) for e in result.errors] == [(1502, "证件号码")]
    assert not result.applied and result.created == {}
    assert (result.valid_rows, result.rejected_rows) == (1500, 1)
    assert counts() == before
    event = AuditEvent.objects.get(action="import")
    assert event.outcome == "failure"
    assert event.detail == {
        "kind": "residents",
        "mode": "all_or_nothing",
        "rows": 1501,
        "valid_rows": 1500,
        "rejected_rows": 1,
        "created": {},
        "applied": False,
    }


def unique_ids(count: int, year: int = 1960) -> list[str]:
    return [
        valid_id_number(birth=f"{year}01{1 + n // 1000:02d}", seq=n % 1000) for n in range(count)
    ]


def test_all_or_nothing_clean_file_is_applied_and_audited_without_personal_data(setting):
    number = valid_id_number(birth="19750505", seq=21)
    upload = xlsx(
        [["刘一", "男", "", number, "13900001111", setting["grid"].code, "H-7", "7号楼", ""]]
    )
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=ImportMode.ALL_OR_NOTHING,
        upload=upload,
    )
    assert result.applied and result.created == {"households": 1, "residents": 1}
    event = AuditEvent.objects.get(action="import")
    assert (event.outcome, event.actor_username, event.object_id) == (
        "success",
        "staff1",
        "residents",
    )
    assert event.detail["created"] == {"households": 1, "residents": 1}
    assert number not in repr(event.detail) and "13900001111" not in repr(event.detail)


def test_raw_select_after_import_holds_no_plaintext_id_or_phone(setting):
    number = valid_id_number(birth="19660606", seq=31)
    people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=ImportMode.VALID_ROWS,
        upload=xlsx(
            [["马二", "", "", number, "13700002222", setting["grid"].code, "H-8", "8号楼", ""]]
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident")
        dump = repr(cursor.fetchall())
    assert Resident.objects.get().id_number == number
    assert number not in dump and "13700002222" not in dump and "19660606" not in dump


def test_duplicates_within_file_and_against_database(setting):
    grid = setting["grid"].code
    existing = valid_id_number(birth="19500101", seq=41)
    make_resident(make_household(setting["grid"]), id_number=existing)
    twice = valid_id_number(birth="19510101", seq=43)
    upload = xlsx(
        [
            ["甲", "", "", twice, "", grid, "H-1", "1号楼", ""],
            ["乙", "", "", twice.lower(), "", grid, "H-1", "", ""],
            ["丙", "", "", existing, "", grid, "H-1", "", ""],
        ]
    )
    result = people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "与第 2 行的证件号码重复"),
        (4, "该证件号码已登记"),
    ]
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["张三", "甲"]


def test_out_of_scope_grid_and_household_are_rejected_like_missing(setting):
    # given a household that exists in another community
    foreign = make_household(setting["outside"], code="H-FOREIGN")
    upload = xlsx(
        [
            [
                "甲",
                "",
                "",
                valid_id_number(birth="19520101", seq=51),
                "",
                setting["outside"].code,
                "H-NEW",
                "1号楼",
                "",
            ],
            ["乙", "", "", valid_id_number(birth="19520101", seq=53), "", "", foreign.code, "", ""],
            [
                "丙",
                "",
                "",
                valid_id_number(birth="19520101", seq=55),
                "",
                "999999999",
                "H-NEW",
                "1号楼",
                "",
            ],
        ]
    )
    before = counts()
    result = people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "网格编码", "网格编码不存在或不在您的管辖范围内"),
        (3, "户编号", "无法使用该户编号，请联系上级核实"),
        (4, "网格编码", "网格编码不存在或不在您的管辖范围内"),
    ]
    assert counts() == before


def test_header_is_matched_ignoring_spaces_and_order_and_missing_header_is_named(setting):
    upload = xlsx(
        [
            [
                "H-5",
                valid_id_number(birth="19530101", seq=61),
                " 韩 梅",
                setting["grid"].name,
                "5号楼",
            ]
        ],
        header=["户 编号", "证件号码", "姓名*", "网格", "住址"],
    )
    result = people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    assert result.errors == [] and Resident.objects.get().name == "韩 梅"
    with pytest.raises(UploadRejected, match="缺少必需的列：证件号码（"):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=xlsx([["x"]], header=["姓名"]),
        )


@pytest.mark.parametrize(
    "typed",
    [
        "2024-01-05",
        "2024/1/5",
        "2024.1.5",
        "20240105",
        20240105,
        "2024年1月5日",
        "2024 年 1 月 5 日",
        datetime(2024, 1, 5, 0, 0),
        date(2024, 1, 5),
        45296,
        "2024-01-05 00:00:00",
    ],
)
def test_dates_in_the_formats_people_type(typed):
    assert parse_date(typed) == date(2024, 1, 5)


@pytest.mark.parametrize("typed", ["2024-02-30", "5/1/2024", "昨天", "2024-1"])
def test_unreadable_dates_are_refused(typed):
    with pytest.raises(CellInvalid):
        parse_date(typed)


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


def test_excel_date_cells_and_ids_stored_as_numbers(setting):
    number = valid_id_number(birth="19880808", seq=93)
    upload = xlsx(
        [
            [
                "甲",
                "",
                datetime(1988, 8, 8),
                number,
                13812345678,
                setting["grid"].code,
                "H-1",
                "x",
                "",
            ],
            ["乙", "", "", float(number[:17] + "0"), "", setting["grid"].code, "H-1", "", ""],
        ]
    )
    result = people_import(
        actor=setting["staff"], kind=ImportKind.RESIDENTS, mode=ImportMode.VALID_ROWS, upload=upload
    )
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "证件号码被 Excel 存成了数字（末几位已丢失），请将该列设为文本后重新填写")
    ]
    resident = Resident.objects.get()
    assert (resident.birth_date, resident.phone) == (date(1988, 8, 8), "13812345678")


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
