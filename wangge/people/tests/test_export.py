"""Excel export: scoped, masked, formula-escaped, audited, and refused without the role."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.models import AuditEvent
from wangge.people.excel import escape_cell
from wangge.people.models import CareTag
from wangge.testing import grids, make_household, make_resident, make_user, valid_id_number

ID_NUMBER = valid_id_number(birth="19790203", seq=101)
PHONE = "13698765432"


@pytest.fixture
def setting(city):
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    grid = Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path).first()
    outside = grids()[-1]
    household = make_household(grid, code="H-IN")
    household.address = "@SUM(1+1)"
    household.save()
    mine = make_resident(household, name="=cmd|' /C calc'!A0", id_number=ID_NUMBER, phone=PHONE)
    mine.notes = "+1 注意"
    mine.save()
    mine.care_tags.set(CareTag.objects.filter(code__in=["elderly_alone", "disabled"]))
    theirs = make_resident(
        make_household(outside, code="H-OUT"),
        name="外人",
        id_number=valid_id_number(birth="19790203", seq=103),
    )
    staff = make_user(Role.COMMUNITY_STAFF, community, username="staff1")
    return {"staff": staff, "grid": grid, "outside": outside, "mine": mine, "theirs": theirs}


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_escape_cell_prefixes_formula_starters_only():
    assert [escape_cell(v) for v in ["=1+1", "+86", "-2", "@x", "\tx", "\rx", "正常", 5, None]] == [
        "'=1+1",
        "'+86",
        "'-2",
        "'@x",
        "'\tx",
        "'\rx",
        "正常",
        5,
        None,
    ]


def test_resident_export_escapes_formulas_and_holds_no_plaintext(client, setting):
    client.force_login(setting["staff"])
    # when the staff member exports residents
    rows = workbook_rows(client.get("/people/export/residents/"))
    # then the header and exactly the one in-scope resident are there
    assert rows[0][:6] == (
        "姓名",
        "性别",
        "出生日期",
        "证件类型",
        "证件号码（脱敏）",
        "联系电话（脱敏）",
    )
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    # and every cell that would start a formula is plain text with a leading apostrophe
    assert row["姓名"] == "'=cmd|' /C calc'!A0"
    assert row["住址"] == "'@SUM(1+1)"
    assert row["备注"] == "'+1 注意"
    # and the ID number and phone are masked, never plaintext
    assert row["证件号码（脱敏）"] == ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:]
    assert row["联系电话（脱敏）"] == "136****5432"
    dump = repr(rows)
    assert ID_NUMBER not in dump and PHONE not in dump
    # and sensitive care tags stay out of the file
    assert row["关爱标签"] == "独居老人"
    # and the export is audited with the count but no personal data
    event = AuditEvent.objects.get(action="export")
    assert (event.outcome, event.object_id) == ("success", "residents")
    assert event.detail == {"kind": "residents", "rows": 1, "area": None, "filters": []}


def test_formula_cells_are_stored_as_text_not_formulas(client, setting):
    client.force_login(setting["staff"])
    response = client.get("/people/export/residents/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    types = {cell.data_type for row in book.active.iter_rows() for cell in row}
    assert "f" not in types and "s" in types


def test_export_follows_filters_and_keeps_searched_id_out_of_the_log(client, setting):
    client.force_login(setting["staff"])
    rows = workbook_rows(client.get("/people/export/residents/", {"id_number": ID_NUMBER}))
    assert len(rows) == 2
    assert workbook_rows(client.get("/people/export/residents/", {"name": "没有"}))[1:] == []
    detail = AuditEvent.objects.filter(action="export").order_by("id").first().detail
    assert detail["filters"] == ["id_number"] and ID_NUMBER not in repr(detail)


def test_export_out_of_scope_is_impossible(client, setting):
    client.force_login(setting["staff"])
    # the unfiltered export never holds another community's resident
    names = [row[0] for row in workbook_rows(client.get("/people/export/residents/"))[1:]]
    assert names == ["'=cmd|' /C calc'!A0"]
    # and asking for another area answers 404 and exports nothing
    before = AuditEvent.objects.filter(action="export").count()
    for kind in ("residents", "households", "buildings"):
        response = client.get(f"/people/export/{kind}/", {"area": setting["outside"].code})
        assert response.status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == before


def test_export_scope_follows_export_roles_not_only_read_roles(client, setting):
    # given a grid worker on the outside grid who is also community staff at home
    user = setting["staff"]
    from wangge.accounts.services import role_assign

    role_assign(actor=None, user=user, role=Role.GRID_WORKER, area=setting["outside"])
    client.force_login(user)
    # then the list shows both residents but the export only the export-scope one
    assert "外人" in client.get("/residents/").content.decode()
    names = [row[0] for row in workbook_rows(client.get("/people/export/residents/"))[1:]]
    assert names == ["'=cmd|' /C calc'!A0"]


def test_household_and_building_exports(client, setting):
    estate = Estate.objects.create(grid=setting["grid"], name="-小区")
    Building.objects.create(grid=setting["grid"], name="1号楼", estate=estate, floors=6)
    Building.objects.create(grid=setting["outside"], name="外楼")
    client.force_login(setting["staff"])
    households = workbook_rows(client.get("/people/export/households/"))
    assert households[0] == ("户编号", "网格编码", "网格", "住址", "房号", "楼栋", "居民人数")
    assert [(row[0], row[3], row[6]) for row in households[1:]] == [("H-IN", "'@SUM(1+1)", 1)]
    buildings = workbook_rows(client.get("/people/export/buildings/"))
    assert [(row[2], row[3], row[5]) for row in buildings[1:]] == [("1号楼", "'-小区", 6)]


@pytest.mark.parametrize("role", [None, Role.GRID_WORKER, Role.CITY_OFFICER])
def test_users_without_the_export_role_get_404(client, setting, role):
    city = Area.objects.get(kind=AreaKind.CITY)
    user = make_user(
        role,
        city if role == Role.CITY_OFFICER else setting["grid"] if role else None,
        username="nobody",
    )
    client.force_login(user)
    for kind in ("residents", "households", "buildings"):
        assert client.get(f"/people/export/{kind}/").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


@override_settings(WANGGE_EXPORT_PER_HOUR=1)
def test_exports_are_rate_limited(client, setting):
    client.force_login(setting["staff"])
    assert client.get("/people/export/households/").status_code == 200
    response = client.get("/people/export/households/")
    assert response.status_code == 429 and "导出过于频繁" in response.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_resident_list_export_button_points_at_the_export(client, setting):
    client.force_login(setting["staff"])
    page = client.get("/residents/", {"name": "x"}).content.decode()
    assert 'href="/people/export/residents/?name=x' in page
