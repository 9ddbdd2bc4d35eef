"""Excel import of residents: every rejected row reported with its reason, the two
modes, scope, duplicates, headers, dates and encryption at rest."""

from datetime import date, datetime

import pytest
from django.db import connection

from wangge.audit.models import AuditEvent
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
from wangge.people.tests.importkit import counts, unique_ids, xlsx
from wangge.testing import make_household, make_resident, valid_id_number


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
