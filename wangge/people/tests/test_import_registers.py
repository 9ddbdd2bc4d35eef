"""Registers as offices keep them: title rows above the header, everyday column names,
full-width digits, dashed phones, no household codes (households from address and
relation, shown in a preview before anything is written) and formula cells."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError
from wangge.core.identity import normalize_id_number, normalize_phone
from wangge.people.importing import ImportKind, ImportMode, people_import
from wangge.people.models import Household, Resident
from wangge.testing import make_household, make_resident, make_user, valid_id_number

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

REGISTER_HEADER = ["序号", "姓名", "性别", "民族", "公民身份号码", "与户主关系", "现住址", "手机"]


def register(
    rows: list[list],
    header: list[str] = REGISTER_HEADER,
    titles: tuple[str, ...] = (
        "幸福社区居民花名册",
        "填报单位：幸福社区居委会　　填报日期：2026年3月",
    ),
) -> SimpleUploadedFile:
    """A workbook as an office keeps it: title rows (the first merged across the
    header's width) above the header, then the rows."""
    book = Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    if titles:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


def ids(count: int, birth: str = "19700101") -> list[str]:
    return [valid_id_number(birth=birth, seq=2 * n + 1) for n in range(count)]


def run(setting, upload, *, mode=ImportMode.VALID_ROWS, preview=False, grid=True):
    return people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=mode,
        upload=upload,
        preview=preview,
        default_grid=setting["grid"].code if grid else "",
    )


def household_at(grid: Area, code: str, address: str) -> Household:
    return Household.objects.create(grid=grid, area_path=grid.path, code=code, address=address)


def members(household: Household) -> list[tuple[str, str]]:
    return list(household.residents.order_by("id").values_list("name", "relation"))


def test_register_with_title_rows_synonyms_full_width_digits_and_dashed_phones(setting):
    # given a register with two title rows (one merged), 公民身份号码/手机/现住址/户号,
    # full-width digits and letters, and phones written with dashes and spaces
    first, second, third = ids(3)
    x_number = next(number for n in range(40) if (number := valid_id_number(seq=n)).endswith("X"))
    header = [
        "序号",
        "户号",
        "姓名",
        "性别",
        "民族",
        "公民身份号码",
        "与户主关系",
        "现住址",
        "手机",
    ]
    upload = register(
        [
            [
                1,
                "Ｈ－００１",
                "张建国",
                "男",
                "汉",
                first.translate(FULL_WIDTH),
                "户主",
                "幸福小区1号楼101",
                "139-8765-4321",
            ],
            [
                2,
                "H-001",
                "李秀兰",
                "",
                "蒙古",
                second,
                "配偶",
                "幸福小区1号楼101",
                "１３９ ８７６５ ４３２２",
            ],
            [
                3,
                "H-001",
                "张伟",
                "男",
                "汉族",
                third,
                "子",
                "幸福小区1号楼101",
                "+86 139 8765 4323",
            ],
            [
                4,
                "H-002",
                "王强",
                "",
                "",
                x_number.translate(FULL_WIDTH).lower(),
                "本人",
                "幸福小区2号楼202",
                "0472-1234567",
            ],
        ],
        header=header,
    )
    # when it is imported
    result = run(setting, upload)
    # then the header is found below the titles and every row goes in
    assert result.errors == [] and result.header_row == 3
    assert result.created == {"households": 2, "residents": 4}
    zhang = Resident.objects.get(name="张建国")
    assert (zhang.id_number, zhang.phone, zhang.relation) == (first, "13987654321", "self")
    assert zhang.household.code == "H-001"
    assert Resident.objects.get(name="李秀兰").phone == "13987654322"
    assert Resident.objects.get(name="李秀兰").ethnicity == "蒙古族"
    assert Resident.objects.get(name="张伟").phone == "13987654323"
    assert Resident.objects.get(name="张伟").relation == "child"
    wang = Resident.objects.get(name="王强")
    assert (wang.id_number, wang.phone) == (x_number, "0472-1234567")


def test_errors_name_the_excel_row_below_the_title_rows(setting):
    first, second = ids(2)
    upload = register(
        [
            [1, "甲", "", "", first, "户主", "幸福小区1号楼101", "139-8765-43"],
            [
                2,
                "乙",
                "",
                "",
                second[:17] + ("0" if second[17] != "0" else "1"),
                "子",
                "幸福小区1号楼101",
                "",
            ],
        ]
    )
    result = run(setting, upload)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "联系电话", "电话号码格式不正确（手机号 11 位，固话如 0472-1234567）"),
        (5, "证件号码", "身份证号码校验位不正确，请核对"),
    ]


def test_households_from_address_and_relation_are_previewed_then_applied(setting):
    # given a register without household codes: heads, members, a member listed before
    # the head, and a second household at an address that already has one
    numbers = ids(9)
    rows = [
        ["张建国", "户主", "幸福小区1号楼101"],
        ["李秀兰", "配偶", "幸福小区1号楼101"],
        ["张伟", "子", "幸福小区 1号楼101"],
        ["王强", "本人", "幸福小区2号楼202"],
        ["王小红", "女", "幸福小区2号楼202"],
        ["赵敏", "孙女", "幸福小区3号楼303"],
        ["赵大山", "户主", "幸福小区3号楼303"],
        ["刘一", "户主", "幸福小区1号楼101"],
        ["刘二", "长子", "幸福小区1号楼101"],
    ]
    upload = register(
        [
            [n + 1, name, "", "汉族", numbers[n], relation, address, ""]
            for n, (name, relation, address) in enumerate(rows)
        ]
    )
    # when it is previewed
    preview = run(setting, upload, preview=True)
    # then every row is valid, the grouping is listed, and nothing is written
    assert preview.errors == [] and preview.preview and not preview.applied
    assert preview.households_new == 4 and preview.households_joined == 0
    plan = [
        (p.address, p.has_head, [(name, relation) for _, name, relation in p.members])
        for p in preview.households
    ]
    assert plan == [
        ("幸福小区1号楼101", True, [("张建国", "户主"), ("李秀兰", "配偶"), ("张伟", "子女")]),
        ("幸福小区2号楼202", True, [("王强", "户主"), ("王小红", "子女")]),
        ("幸福小区3号楼303", True, [("赵敏", "孙子女/外孙子女"), ("赵大山", "户主")]),
        ("幸福小区1号楼101", True, [("刘一", "户主"), ("刘二", "子女")]),
    ]
    assert [p.members[0][0] for p in preview.households] == [4, 7, 9, 11]
    assert all(p.code == "" and p.grid == setting["grid"].name for p in preview.households)
    assert (Household.objects.count(), Resident.objects.count()) == (0, 0)
    event = AuditEvent.objects.get(action="import")
    assert event.detail["preview"] is True and event.detail["households_new"] == 4
    # when it is applied
    upload.seek(0)
    result = run(setting, upload)
    # then the same four households are created in the grid, numbered after its code
    assert result.applied and result.created == {"households": 4, "residents": 9}
    households = list(Household.objects.order_by("id"))
    grid = setting["grid"]
    assert [h.code for h in households] == [f"{grid.code}{n:04d}" for n in range(1, 5)]
    assert {(h.grid_id, h.area_path) for h in households} == {(grid.id, grid.path)}
    assert [members(h) for h in households] == [
        [("张建国", "self"), ("李秀兰", "spouse"), ("张伟", "child")],
        [("王强", "self"), ("王小红", "child")],
        [("赵敏", "grandchild"), ("赵大山", "self")],
        [("刘一", "self"), ("刘二", "child")],
    ]
    assert [p.code for p in result.households] == [h.code for h in households]


def test_codes_continue_after_the_grids_existing_codes(setting):
    grid = setting["grid"]
    make_household(grid, code=f"{grid.code}0041")
    upload = register([[1, "甲", "", "", ids(1)[0], "户主", "幸福小区9号楼901", ""]])
    run(setting, upload)
    assert Resident.objects.get(name="甲").household.code == f"{grid.code}0042"


def test_members_join_the_one_household_registered_at_their_address(setting):
    # given one household registered at 5号楼501 and two at 6号楼601
    grid = setting["grid"]
    registered = household_at(grid, "OLD-501", "幸福小区5号楼501")
    household_at(grid, "OLD-601A", "幸福小区6号楼601")
    household_at(grid, "OLD-601B", "幸福小区6号楼601")
    first, second, third = ids(3)
    upload = register(
        [
            [1, "新媳妇", "", "", first, "儿媳", "幸福小区5号楼501", ""],
            [2, "新孙子", "", "", second, "孙子", "幸福小区5号楼501", ""],
            [3, "不知谁家", "", "", third, "子", "幸福小区6号楼601", ""],
        ]
    )
    preview = run(setting, upload, preview=True)
    assert preview.households_new == 0 and preview.households_joined == 1
    joined = preview.households[0]
    assert (joined.existing, joined.code, [m[1] for m in joined.members]) == (
        True,
        "OLD-501",
        ["新媳妇", "新孙子"],
    )
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [
        (6, "住址", "该住址已登记 2 户，无法确定加入哪一户，请填写户编号")
    ]
    result = run(setting, upload)
    assert result.created == {"residents": 2}
    assert members(registered) == [("新媳妇", "other"), ("新孙子", "grandchild")]


def test_rows_without_code_need_a_grid_and_an_address(setting):
    first, second = ids(2)
    upload = register(
        [
            [1, "甲", "", "", first, "户主", "幸福小区1号楼101", ""],
            [2, "乙", "", "", second, "户主", "", ""],
        ]
    )
    result = run(setting, upload, grid=False)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "网格编码", "没有户编号时须填写网格编码，或在导入页选择新建户所属的网格"),
        (5, "网格编码", "没有户编号时须填写网格编码，或在导入页选择新建户所属的网格"),
        (5, "住址", "没有户编号时须填写住址，以便按住址分户"),
    ]
    assert Resident.objects.count() == 0


def test_default_grid_outside_scope_is_refused(setting):
    with pytest.raises(ApplicationError, match="网格编码不存在或不在您的管辖范围内"):
        people_import(
            actor=setting["staff"],
            kind=ImportKind.RESIDENTS,
            mode=ImportMode.VALID_ROWS,
            upload=register([[1, "甲", "", "", ids(1)[0], "户主", "x", ""]]),
            default_grid=setting["outside"].code,
        )


def test_formula_cell_without_a_saved_result_is_named_as_such(setting):
    # given a register whose name and phone cells are formulas never computed by Excel
    first, second = ids(2)
    upload = register(
        [
            [1, '=CONCATENATE("张","三")', "", "", first, "户主", "幸福小区1号楼101", ""],
            [2, "李四", "", "", second, "子", "幸福小区1号楼101", "=H4"],
        ]
    )
    result = run(setting, upload)
    # then each is reported as a formula without a value, with its cell reference
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (
            4,
            "姓名",
            "公式单元格没有计算结果（单元格 B4），请在 Excel 或 WPS 中打开并保存后再导入，或改填数值",
        ),
        (
            5,
            "联系电话",
            "公式单元格没有计算结果（单元格 H5），请在 Excel 或 WPS 中打开并保存后再导入，或改填数值",
        ),
    ]
    assert "姓名不能为空" not in repr(result.errors)


def _mixed_register():
    numbers = ids(5)
    return register(
        [
            [1, "张建国", "", "", numbers[0], "户主", "幸福小区1号楼101", "139-8765-4321"],
            [2, "李秀兰", "", "", numbers[1], "配偶", "幸福小区1号楼101", ""],
            [
                3,
                "王强",
                "",
                "",
                numbers[2][:17] + ("0" if numbers[2][17] != "0" else "1"),
                "户主",
                "幸福小区2号楼202",
                "",
            ],
            [4, "王小红", "", "", numbers[3], "女", "幸福小区2号楼202", ""],
            [5, "赵敏", "", "", numbers[4], "表哥", "幸福小区3号楼303", ""],
        ]
    )


def test_mixed_register_all_or_nothing_writes_nothing(setting):
    result = run(setting, _mixed_register(), mode=ImportMode.ALL_OR_NOTHING)
    assert [(e.row, e.column) for e in result.errors] == [(6, "证件号码"), (8, "与户主关系")]
    assert not result.applied and result.created == {}
    assert (Household.objects.count(), Resident.objects.count()) == (0, 0)


def test_mixed_register_valid_rows_applies_the_rest_and_shows_headless_households(setting):
    # when a register with a rejected head is previewed and applied "valid rows"
    preview = run(setting, _mixed_register(), preview=True)
    # then the head's family is shown as a household without a head
    assert [(p.address, p.has_head, p.member_count) for p in preview.households] == [
        ("幸福小区1号楼101", True, 2),
        ("幸福小区2号楼202", False, 1),
    ]
    result = run(setting, _mixed_register())
    assert (result.valid_rows, result.rejected_rows) == (3, 2)
    assert result.created == {"households": 2, "residents": 3}
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["张建国", "李秀兰", "王小红"]


def test_page_previews_the_grouping_and_applies_on_confirmation(client, setting):
    client.force_login(setting["staff"])
    numbers = ids(3)
    upload = register(
        [
            [1, "张建国", "男", "汉", numbers[0], "户主", "幸福小区1号楼101", "139-8765-4321"],
            [2, "李秀兰", "", "汉", numbers[1], "妻", "幸福小区1号楼101", ""],
            [3, "<b>王</b>", "", "", numbers[2], "本人", "幸福小区2号楼202", ""],
        ]
    )
    # when the register is uploaded with a grid for new households
    response = client.post(
        "/people/import/",
        {
            "kind": "residents",
            "mode": "all_or_nothing",
            "default_grid": setting["grid"].code,
            "file": upload,
        },
    )
    page = response.content.decode()
    # then the preview lists the households to be created and nothing is written
    assert response.status_code == 200
    assert "预览：尚未写入任何数据。将导入居民 3 条，新建户 2 户。" in page
    assert "将新建的户（2 户）" in page and "表头</dt><dd>第 3 行" in page
    assert "张建国（户主，第 4 行）、李秀兰（配偶，第 5 行）" in page
    assert "&lt;b&gt;王&lt;/b&gt;" in page and "<b>王</b>" not in page
    assert (Household.objects.count(), Resident.objects.count()) == (0, 0)
    token = response.context["confirm"]["token"]
    confirm = {
        "token": token,
        "kind": "residents",
        "mode": "all_or_nothing",
        "default_grid": setting["grid"].code,
    }
    # and another user cannot apply it
    other = make_user(Role.COMMUNITY_STAFF, setting["grid"], username="staff2")
    client.force_login(other)
    response = client.post("/people/import/", confirm)
    assert response.status_code == 400 and "预览已过期或已导入" in response.content.decode()
    assert Resident.objects.count() == 0
    # when the uploader confirms
    client.force_login(setting["staff"])
    response = client.post("/people/import/", confirm)
    page = response.content.decode()
    # then it is written, and the created households are listed with their codes
    assert response.status_code == 200 and "已导入户 2 条、居民 3 条。" in page
    assert f"{setting['grid'].code}0001" in page
    assert Resident.objects.get(name="李秀兰").household.address == "幸福小区1号楼101"
    # and the kept upload is gone: a second confirmation imports nothing
    response = client.post("/people/import/", confirm)
    assert response.status_code == 400 and "预览已过期或已导入" in response.content.decode()
    assert Resident.objects.count() == 3


def test_all_or_nothing_preview_with_errors_offers_no_confirmation(client, setting):
    client.force_login(setting["staff"])
    response = client.post(
        "/people/import/",
        {
            "kind": "residents",
            "mode": "all_or_nothing",
            "default_grid": setting["grid"].code,
            "file": _mixed_register(),
        },
    )
    page = response.content.decode()
    assert "发现 2 行有误，本次不会导入任何数据" in page
    assert response.context.get("confirm") is None and 'name="token"' not in page


def test_registered_id_in_a_register_is_still_refused(setting):
    existing = ids(1)[0]
    make_resident(make_household(setting["grid"]), id_number=existing)
    upload = register([[1, "甲", "", "", existing.translate(FULL_WIDTH), "户主", "x1", ""]])
    result = run(setting, upload)
    assert [(e.row, e.column) for e in result.errors] == [(4, "证件号码")]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("139-8765-4321", "13987654321"),
        ("139 8765 4321", "13987654321"),
        ("１３９８７６５４３２１", "13987654321"),
        ("139—8765—4321", "13987654321"),
        ("+86-139-8765-4321", "13987654321"),
        ("0086 13987654321", "13987654321"),
        ("0472-1234567", "0472-1234567"),
        ("（0472）1234567", "04721234567"),
        ("0472 123 4567", "04721234567"),
    ],
)
def test_phones_as_registers_write_them(typed, stored):
    assert normalize_phone(typed) == stored


def test_full_width_id_numbers_are_normalised():
    number = valid_id_number(seq=3)
    assert normalize_id_number(" " + number.translate(FULL_WIDTH) + "　") == number


def test_households_register_with_a_title_row_and_everyday_names(setting):
    # the other kinds read their header the same way
    grid = setting["grid"]
    upload = register(
        [["Ｈ－９", grid.name, "幸福小区９号楼９０１"]],
        header=["户号", "网格名称", "家庭住址"],
        titles=("幸福社区住户登记表",),
    )
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.HOUSEHOLDS,
        mode=ImportMode.VALID_ROWS,
        upload=upload,
    )
    assert result.errors == [] and result.header_row == 2
    household = Household.objects.get()
    assert (household.code, household.address, household.grid_id) == (
        "H-9",
        "幸福小区9号楼901",
        grid.id,
    )


def test_full_width_birth_dates_and_relations_with_spaces(setting):
    number = ids(1, birth="19800101")[0]
    upload = register(
        [["张三", "１９８０年１月１日", number, "户 主", "幸福小区1号楼101"]],
        header=["姓名", "出生年月", "身份证号码", "与户主的关系", "地址"],
    )
    result = run(setting, upload)
    assert result.errors == []
    resident = Resident.objects.get()
    assert (resident.birth_date.isoformat(), resident.relation) == ("1980-01-01", "self")


def _with_cell_xml(upload: SimpleUploadedFile, old: bytes, new: bytes) -> SimpleUploadedFile:
    """The workbook with one cell's XML replaced, as Excel itself would have saved it."""
    source = zipfile.ZipFile(io.BytesIO(upload.read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v />", b"<v></v>")  # openpyxl writes either form
                assert old in data
                data = data.replace(old, new)
            target.writestr(item, data)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


def test_formula_errors_are_named_and_saved_empty_results_are_empty(setting):
    # given a name cell holding #N/A and a phone formula whose saved result is ""
    first, second = ids(2)
    upload = register(
        [
            [1, "#N/A", "", "", first, "户主", "幸福小区1号楼101", ""],
            [2, "李四", "", "", second, "子", "幸福小区1号楼101", '=IF(1,"","x")'],
        ]
    )
    upload = _with_cell_xml(
        upload,
        b'<c r="H5"><f>IF(1,"","x")</f><v></v></c>',
        b'<c r="H5" t="str"><f>IF(1,"","x")</f><v></v></c>',
    )
    result = run(setting, upload)
    # then the error is named with its cell, and the empty result is just an empty phone
    assert [(e.row, e.column, e.reason, e.value) for e in result.errors] == [
        (4, "姓名", "单元格 B4 的公式计算出错（#N/A），请改正后再导入", "#N/A")
    ]
    assert Resident.objects.get().phone == ""
