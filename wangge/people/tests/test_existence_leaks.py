"""A duplicate registered outside the user's scope is refused without saying so, and the
attempt is audited (issue 9, item 8): "this ID number is registered" would tell a grid
worker that the person lives somewhere in the city."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent, Outcome
from wangge.people.importing import ImportKind, ImportMode, people_import
from wangge.people.models import Household, Resident
from wangge.testing import grids, make_household, make_resident, make_user, valid_id_number

UNUSABLE_ID = "无法使用该证件号码，请联系上级核实"
UNUSABLE_CODE = "无法使用该户编号，请联系上级核实"


@pytest.fixture
def setting(city):
    """A grid worker of the first grid; a resident and a household of the last grid (the
    other district), and one of the worker's own."""
    mine, elsewhere = grids()[0], grids()[-1]
    worker = make_user(Role.GRID_WORKER, mine, username="worker1")
    staff = make_user(Role.COMMUNITY_STAFF, Area.objects.get_parent(mine), username="staff1")
    theirs = make_resident(
        make_household(elsewhere, code="H-ELSE"), id_number=valid_id_number(seq=901)
    )
    own = make_resident(make_household(mine, code="H-MINE"), id_number=valid_id_number(seq=902))
    return {"worker": worker, "staff": staff, "mine": mine, "theirs": theirs, "own": own}


def _resident_form(id_number: str) -> dict:
    return {
        "name": "重复",
        "gender": "male",
        "doc_type": "id_card",
        "id_number": id_number,
        "relation": "self",
        "residence_status": "permanent",
        "ethnicity": "汉族",
    }


def _denials() -> list[dict]:
    return list(
        AuditEvent.objects.filter(action="access_denied", outcome=Outcome.DENIED).values(
            "actor__username", "object_type", "object_id", "detail"
        )
    )


def _xlsx(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("data.xlsx", buffer.getvalue())


def test_page_refuses_an_id_number_from_another_district_without_saying_why(client, setting):
    # given the worker registering a resident in their own household
    client.force_login(setting["worker"])
    household = make_household(setting["mine"])
    # when the ID number belongs to someone in another district
    response = client.post(
        f"/households/{household.id}/residents/new/",
        _resident_form(setting["theirs"].id_number),
    )
    # then the page says only to ask, nothing is saved, and the attempt is audited
    page = response.content.decode()
    assert UNUSABLE_ID in page and "已登记" not in page
    assert Resident.objects.count() == 2
    assert _denials() == [
        {
            "actor__username": "worker1",
            "object_type": "people.resident",
            "object_id": str(setting["theirs"].pk),
            "detail": {"reason": "id_number_registered_elsewhere"},
        }
    ]


def test_page_still_says_registered_for_an_id_number_in_scope(client, setting):
    client.force_login(setting["worker"])
    household = make_household(setting["mine"])
    response = client.post(
        f"/households/{household.id}/residents/new/", _resident_form(setting["own"].id_number)
    )
    assert "该证件号码已登记" in response.content.decode()
    assert _denials() == []


def test_page_refuses_a_household_code_from_elsewhere_without_saying_why(client, setting):
    client.force_login(setting["worker"])
    response = client.post(
        "/households/new/", {"grid": setting["mine"].code, "code": "H-ELSE", "address": "x"}
    )
    page = response.content.decode()
    assert UNUSABLE_CODE in page and "已存在" not in page
    assert Household.objects.filter(code="H-ELSE").count() == 1
    assert [row["detail"] for row in _denials()] == [
        {"reason": "household_code_registered_elsewhere"}
    ]
    # while a code of their own grid is named as taken
    response = client.post(
        "/households/new/", {"grid": setting["mine"].code, "code": "H-MINE", "address": "x"}
    )
    assert "户编号 H-MINE 已存在" in response.content.decode()


def test_import_refuses_numbers_and_codes_from_elsewhere_in_neutral_words(setting):
    # given a residents file with one number from elsewhere and one of the staff's own
    grid = setting["mine"].code
    upload = _xlsx(
        ["姓名", "性别", "证件号码", "网格编码", "户编号", "住址"],
        [
            ["甲", "男", setting["theirs"].id_number, grid, "H-NEW", "1号"],
            ["乙", "女", setting["own"].id_number, grid, "H-NEW", "1号"],
        ],
    )
    # when it is imported
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=ImportMode.ALL_OR_NOTHING,
        upload=upload,
    )
    # then the row from elsewhere says only to ask, the own one says registered
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, UNUSABLE_ID),
        (3, "该证件号码已登记"),
    ]
    # and the attempt is audited although nothing was applied
    assert [row["detail"] for row in _denials()] == [{"reason": "registered_elsewhere", "rows": 1}]


def test_resident_import_into_a_household_code_from_elsewhere_is_refused_neutrally(setting):
    # given a resident row naming another district's household code (or an unknown one)
    upload = _xlsx(
        ["姓名", "性别", "证件号码", "网格编码", "户编号", "住址"],
        [
            ["丙", "男", valid_id_number(seq=903), "", "H-ELSE", ""],
            ["丁", "男", valid_id_number(seq=905), "", "H-NONE", ""],
        ],
    )
    # when it is imported
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.RESIDENTS,
        mode=ImportMode.VALID_ROWS,
        upload=upload,
    )
    # then the code from elsewhere is not confirmed to exist, and the attempt is audited
    assert [(e.row, e.reason) for e in result.errors][0] == (2, UNUSABLE_CODE)
    assert "尚未登记" in result.errors[1].reason
    assert len(_denials()) == 1


def test_household_import_refuses_a_code_from_elsewhere_in_neutral_words(setting):
    upload = _xlsx(
        ["户编号", "网格编码", "住址"],
        [["H-ELSE", setting["mine"].code, "x"], ["H-MINE", setting["mine"].code, "y"]],
    )
    result = people_import(
        actor=setting["staff"],
        kind=ImportKind.HOUSEHOLDS,
        mode=ImportMode.VALID_ROWS,
        upload=upload,
    )
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, UNUSABLE_CODE),
        (3, "该户编号已存在"),
    ]
    assert len(_denials()) == 1
