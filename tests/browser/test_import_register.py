"""Importing an office's register in a real browser: upload, preview of the households,
confirmation."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from wangge.areas.models import Area, AreaKind
from wangge.people.models import Household, Resident
from wangge.testing import Role, build_city, make_user, valid_id_number

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"


def register_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["幸福社区居民花名册"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "姓名", "公民身份号码", "与户主关系", "现住址", "手机"])
    rows = [
        ("张建国", "户主", "幸福小区1号楼101", "139-8765-4321"),
        ("李秀兰", "配偶", "幸福小区1号楼101", ""),
        ("王强", "本人", "幸福小区2号楼202", "１３９ ８７６５ ４３２２"),
    ]
    for n, (name, relation, address, phone) in enumerate(rows):
        number = valid_id_number(birth="19700101", seq=2 * n + 1)
        sheet.append([n + 1, name, number, relation, address, phone])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_register_is_previewed_with_its_households_then_imported(page, login, base_url, tmp_path):
    # given community staff and an office register without household codes
    build_city(districts=1, streets=1, communities=1, grids=2)
    community = Area.objects.get(kind=AreaKind.COMMUNITY)
    grid = Area.objects.filter(kind=AreaKind.GRID).order_by("path").first()
    make_user(Role.COMMUNITY_STAFF, community, username="shequ")
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(register_bytes())
    login(page, "shequ", PASSWORD)
    # when it is uploaded with the grid for new households
    page.goto(f"{base_url}/people/import/")
    page.select_option("#id_default_grid", grid.code)
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click('form button:has-text("上传并预览")')
    # then the preview lists both households and their members, and nothing is written
    expect(page.locator("#import-preview")).to_contain_text("新建户 2 户")
    table = page.locator("#planned-households + .table-wrap")
    expect(table).to_contain_text("张建国（户主，第 3 行）、李秀兰（配偶，第 4 行）")
    expect(table).to_contain_text("导入时编号")
    assert Resident.objects.count() == 0
    # when the import is confirmed
    with page.expect_navigation():
        page.click("#import-confirm button")
    # then the households are created with their codes
    expect(page.locator("#import-result .msg-success")).to_have_text("已导入户 2 条、居民 3 条。")
    expect(page.locator("#planned-households + .table-wrap")).to_contain_text(f"{grid.code}0001")
    assert Household.objects.count() == 2
    assert Resident.objects.get(name="王强").phone == "13987654322"
