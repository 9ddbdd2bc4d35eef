"""The import engine on its own: header detection and synonyms, cell parsing, escaping,
the register of kinds, and its independence from the domain apps."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from wangge.imports import registry
from wangge.imports.cells import CellInvalid, parse_bool
from wangge.imports.engine import header_score, map_header
from wangge.imports.excel import UploadRejected, escape_cell
from wangge.imports.kinds import Column

COLUMNS = (
    Column("name", "姓名", required=True, aliases=("名字",)),
    Column("phone", "联系电话", aliases=("手机",)),
)
DOMAIN_APPS = ("wangge.people", "wangge.cases", "wangge.patrols")


def test_header_is_found_by_its_synonyms_whatever_the_spacing_and_marks():
    assert header_score(["序号", "名 字", "手机"], COLUMNS) == 2
    assert header_score(["幸福社区花名册"], COLUMNS) == 0
    assert map_header(["序号", "*名字", "手机（必填）"], COLUMNS) == {"name": 1, "phone": 2}


def test_missing_and_repeated_headers_are_named():
    with pytest.raises(UploadRejected, match="缺少必需的列：姓名"):
        map_header(["手机"], COLUMNS)
    with pytest.raises(UploadRejected, match="表头「名字」重复出现"):
        map_header(["姓名", "名字"], COLUMNS)


def test_yes_and_no_cells():
    assert [parse_bool(v) for v in ("是", "否", "Y", 0, True)] == [True, False, True, False, True]
    with pytest.raises(CellInvalid, match="可填：是、否"):
        parse_bool("也许")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_cells_a_spreadsheet_would_run_are_written_as_text(text):
    assert escape_cell(text) == "'" + text
    assert escape_cell("张三") == "张三" and escape_cell(5) == 5


def test_a_kind_registered_twice_is_refused(monkeypatch):
    class Module:
        IMPORT_KINDS = [registry.Kind(key="twice", label="x", handler=object, permission=bool)] * 2

    monkeypatch.setattr(registry, "_import_module", lambda name: Module)
    registry._collect.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="twice"):
            registry.import_kinds()
    finally:
        registry._collect.cache_clear()


def test_the_engine_imports_no_domain_app():
    imported = set()
    for path in Path(registry.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not [name for name in imported if name.startswith(DOMAIN_APPS)]


def test_a_kind_that_names_no_write_roles_fails_loudly():
    # given a handler of a new domain that forgot which roles' scope its rows are checked in
    from wangge.imports.kinds import KindHandler

    class Forgetful(KindHandler):
        pass

    # when it is built / then it refuses, rather than borrowing the people registry's roles
    with pytest.raises(TypeError, match="write_roles"):
        Forgetful(user=None)
