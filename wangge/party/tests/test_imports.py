"""The member ledger and organisations through the shared import engine, in scope only."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.core import crypto
from wangge.imports.engine import import_run
from wangge.imports.registry import import_kinds
from wangge.party.models import Member, PartyOrg

MEMBER_HEAD = ["组织关系所在党组织编码", "姓名", "身份证号码", "入党日期", "党员类别", "预备期满", "联系电话"]


def xlsx(head, rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(head)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("党员.xlsx", buffer.getvalue())


def test_both_kinds_are_registered():
    kinds = import_kinds()
    assert kinds["party_members"].label == "党员台账" and kinds["party_orgs"].label == "党组织"


def test_members_are_imported_in_scope_and_bad_rows_reported(world):
    upload = xlsx(MEMBER_HEAD, [
        ["BA", "新党员甲", "150203199001011234", "2015-07-01", "正式党员", "", "13800000000"],
        ["BB", "别处党员", "150203199001011235", "2015-07-01", "正式党员", "", ""],
        ["BA", "新党员乙", "150203199001011234", "2016-07-01", "正式党员", "", ""],
        ["BA", "新党员丙", "", "2026-01-01", "预备党员", "", ""],
    ])
    result = import_run(actor=world.staff_a, kind="party_members", mode="valid_rows", upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "组织关系所在党组织编码"), (4, "身份证号码"), (5, "预备期满")]
    new = Member.objects.get(name="新党员甲")
    assert new.org_id == world.branch_a.id and new.org_path == world.branch_a.path
    assert new.id_number_index == crypto.blind_index("150203199001011234", purpose="id")
    assert "150203199001011234" not in new.id_number_enc and new.phone_masked == "138****0000"
    assert result.created == {"party_members": 1}


def test_a_secretary_cannot_import(world):
    assert "party_members" not in [k for k, kind in import_kinds().items() if kind.permission(world.secretary_a)]


def test_organisations_are_imported_under_their_parent(world):
    head = ["组织编码", "组织名称", "上级组织编码", "组织类别", "组织类型", "所服务区域编码", "书记"]
    upload = xlsx(head, [
        ["GA1", "甲网格第一党小组", "BA", "党小组", "网格", world.grid_a.code, ""],
        ["GA2", "甲网格第二党小组", "GA1", "党小组", "网格", world.grid_b.code, ""],
    ])
    result = import_run(actor=world.staff_a, kind="party_orgs", mode="valid_rows", upload=upload)
    assert result.created == {"party_orgs": 1}
    group = PartyOrg.objects.get(code="GA1")
    assert group.path.startswith(world.branch_a.path) and group.depth == world.branch_a.depth + 1
    assert [e.column for e in result.errors] == ["所服务区域编码"]
