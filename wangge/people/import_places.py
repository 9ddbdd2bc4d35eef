"""Import kinds for places: households and buildings."""

import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from wangge.areas.models import Building, Estate
from wangge.imports.cells import EXAMPLE_REASON, CellInvalid, cell_text, text_parser
from wangge.imports.kinds import BATCH_SIZE, Column, Row
from wangge.people.import_common import (
    EXAMPLE_BUILDING_NAME,
    EXAMPLE_HOUSEHOLD_CODE,
    PeopleHandler,
)
from wangge.people.models import Household


def _ids_by_grid_and_name(cache: dict, model, wanted: set[tuple[int, str]]) -> None:
    """Fill ``cache`` with the ids of ``model`` rows (buildings, estates) named in ``wanted``
    as (grid id, name), in one query for those not cached yet."""
    wanted = wanted - cache.keys()
    if not wanted:
        return
    for pk, grid_id, name in model.objects.filter(
        grid_id__in={key[0] for key in wanted},
        name__in={key[1] for key in wanted},
    ).values_list("id", "grid_id", "name"):
        cache[(grid_id, name)] = pk


class HouseholdHandler(PeopleHandler):
    title = "户"
    columns = (
        Column(
            "code",
            "户编号",
            required=True,
            aliases=("户号", "户编码", "户代码"),
            example=EXAMPLE_HOUSEHOLD_CODE,
            text=True,
            note="全市唯一，已存在的户编号会被拒绝",
        ),
        Column(
            "grid",
            "网格编码",
            required=True,
            aliases=("网格", "所属网格", "网格名称"),
            text=True,
            note="网格编码（或唯一的网格名称），须在您的管辖范围内",
        ),
        Column(
            "address",
            "住址",
            required=True,
            aliases=("地址", "家庭住址", "现住址", "居住地址"),
            example="某某小区1号楼1单元101",
        ),
        Column("room", "房号", aliases=("门牌/房号", "门牌号"), example="101"),
        Column("building", "楼栋", aliases=("楼栋名称",), note="该网格内已登记的楼栋名称，可不填"),
    )
    notes = ("每行一户；表头可调整顺序，列名中的空格会被忽略。",)

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[str, int] = {}
        self.buildings: dict[tuple[int, str], int | None] = {}

    def check_fields(self, row: Row) -> None:
        data = row.data
        data["code"] = self.field(row, "code", text_parser(40, "户编号"), "")
        if data["code"] == EXAMPLE_HOUSEHOLD_CODE:
            row.fail("code", _(EXAMPLE_REASON))
        data["grid"] = self.field(row, "grid", self.grids.resolve)
        data["address"] = self.field(row, "address", text_parser(200, "住址"), "")
        data["room"] = self.field(row, "room", text_parser(30, "房号"), "")
        data["building"] = self.field(row, "building", text_parser(100, "楼栋"), "")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        codes = [row.data["code"] for row in candidates]
        registered = dict(Household.objects.filter(code__in=codes).values_list("code", "area_path"))
        _ids_by_grid_and_name(
            self.buildings,
            Building,
            {
                (row.data["grid"].id, row.data["building"])
                for row in candidates
                if row.data["building"]
            },
        )
        for row in candidates:
            data = row.data
            earlier = self.seen.get(data["code"])
            if earlier is not None:
                row.fail("code", _("与第 %(row)s 行的户编号重复") % {"row": earlier})
            elif data["code"] in registered:
                self._fail_registered(row, "code", registered[data["code"]])
            data["building_id"] = None
            if data["building"]:
                data["building_id"] = self.buildings.get((data["grid"].id, data["building"]))
                if data["building_id"] is None:
                    row.fail("building", _("该网格内没有这个楼栋"))
            if not row.errors:
                self.seen[data["code"]] = row.number

    def insert(self, rows: list[Row]) -> None:
        created = Household.objects.bulk_create(
            [
                Household(
                    grid_id=row.data["grid"].id,
                    area_path=row.data["grid"].path,
                    code=row.data["code"],
                    address=row.data["address"],
                    room=row.data["room"],
                    building_id=row.data["building_id"],
                )
                for row in rows
            ],
            batch_size=BATCH_SIZE,
        )
        self._count("households", len(created))


def _floors(value: Any) -> int:
    text = cell_text(value)
    if not text.isdigit() or not 1 <= int(text) <= 200:
        raise CellInvalid("层数应为 1–200 的整数")
    return int(text)


class BuildingHandler(PeopleHandler):
    title = "楼栋"
    columns = (
        Column(
            "grid",
            "网格编码",
            required=True,
            aliases=("网格", "所属网格", "网格名称"),
            text=True,
            note="网格编码（或唯一的网格名称），须在您的管辖范围内",
        ),
        Column(
            "name",
            "楼栋名称",
            required=True,
            aliases=("楼栋",),
            example=EXAMPLE_BUILDING_NAME,
            note="同一网格内不能重名",
        ),
        Column(
            "estate",
            "小区名称",
            aliases=("小区",),
            note="该网格内的小区，不存在时自动新建",
            example="某某小区",
        ),
        Column("address", "地址", aliases=("住址",), example="某某路1号"),
        Column("floors", "层数", example=6),
    )
    notes = ("每行一栋楼；表头可调整顺序，列名中的空格会被忽略。",)

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[tuple[int, str], int] = {}
        self.estates: dict[tuple[int, str], int] = {}

    def check_fields(self, row: Row) -> None:
        data = row.data
        data["grid"] = self.field(row, "grid", self.grids.resolve)
        data["name"] = self.field(row, "name", text_parser(100, "楼栋名称"), "")
        if data["name"] == unicodedata.normalize("NFKC", EXAMPLE_BUILDING_NAME):
            row.fail("name", _(EXAMPLE_REASON))
        data["estate"] = self.field(row, "estate", text_parser(100, "小区名称"), "")
        data["address"] = self.field(row, "address", text_parser(200, "地址"), "")
        data["floors"] = self.field(row, "floors", _floors)

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        registered = set(
            Building.objects.filter(
                grid_id__in={row.data["grid"].id for row in candidates},
                name__in={row.data["name"] for row in candidates},
            ).values_list("grid_id", "name")
        )
        for row in candidates:
            key = (row.data["grid"].id, row.data["name"])
            earlier = self.seen.get(key)
            if earlier is not None:
                row.fail("name", _("与第 %(row)s 行的楼栋重复（同一网格内重名）") % {"row": earlier})
            elif key in registered:
                row.fail("name", _("该网格内已有同名楼栋"))
            else:
                self.seen[key] = row.number

    def insert(self, rows: list[Row]) -> None:
        grids = {row.data["grid"].id: row.data["grid"] for row in rows}
        wanted = {(row.data["grid"].id, row.data["estate"]) for row in rows if row.data["estate"]}
        _ids_by_grid_and_name(self.estates, Estate, wanted)
        new = [(grids[key[0]], key[1]) for key in wanted if key not in self.estates]
        if new:
            created = Estate.objects.bulk_create(
                [Estate(grid_id=grid.id, area_path=grid.path, name=name) for grid, name in new]
            )
            for (grid, name), estate in zip(new, created, strict=True):
                self.estates[(grid.id, name)] = estate.pk
            if created:
                self._count("estates", len(created))
        created = Building.objects.bulk_create(
            [
                Building(
                    grid_id=row.data["grid"].id,
                    area_path=row.data["grid"].path,
                    name=row.data["name"],
                    address=row.data["address"],
                    floors=row.data["floors"],
                    estate_id=self.estates.get((row.data["grid"].id, row.data["estate"])),
                )
                for row in rows
            ],
            batch_size=BATCH_SIZE,
        )
        self._count("buildings", len(created))
