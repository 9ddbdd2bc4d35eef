"""The example domain's import kind: benches by grid code, name and whether broken.

Found by the import engine through this module alone — no shared file names it."""

from wangge.accounts.scope import path_in_scope
from wangge.imports.cells import parse_bool, text_parser
from wangge.imports.kinds import BATCH_SIZE, Column, KindHandler, Row
from wangge.imports.registry import Kind

from .models import Bench
from .permissions import BENCH_WRITE_ROLES, can_import_benches


class BenchHandler(KindHandler):
    title = "长椅"
    created_labels = {"benches": "长椅"}
    columns = (
        Column(
            "grid",
            "网格编码",
            required=True,
            aliases=("网格",),
            text=True,
            note="须在您的管辖范围内",
        ),
        Column("name", "名称", required=True, aliases=("长椅名称",), example="东门长椅"),
        Column("broken", "损坏", note="是 / 否；不填为否", example="否"),
    )
    notes = ("每行一张长椅；同一网格内名称不能重复。",)
    write_roles = BENCH_WRITE_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[tuple[int, str], int] = {}

    def check_fields(self, row: Row) -> None:
        row.data["grid"] = self.field(row, "grid", self.grids.resolve)
        row.data["name"] = self.field(row, "name", text_parser(50, "名称"), "")
        row.data["broken"] = self.field(row, "broken", parse_bool, False)

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        registered = set(
            Bench.objects.filter(
                grid_id__in={row.data["grid"].id for row in candidates},
                name__in={row.data["name"] for row in candidates},
            ).values_list("grid_id", "name")
        )
        for row in candidates:
            key = (row.data["grid"].id, row.data["name"])
            if key in self.seen:
                row.fail("name", f"与第 {self.seen[key]} 行的长椅重名")
            elif key in registered:
                row.fail("name", "该网格内已有同名长椅")
            else:
                self.seen[key] = row.number

    def insert(self, rows: list[Row]) -> None:
        # The grid look-up already refused grids outside the user's write scope; the
        # writer checks again, so a handler bug cannot write outside it.
        benches = [
            Bench(
                grid_id=row.data["grid"].id,
                area_path=row.data["grid"].path,
                name=row.data["name"],
                broken=row.data["broken"],
            )
            for row in rows
            if path_in_scope(self.user, row.data["grid"].path, self.grids.roles)
        ]
        Bench.objects.bulk_create(benches, batch_size=BATCH_SIZE)
        self.count("benches", len(benches))


IMPORT_KINDS = [
    Kind(key="benches", label="长椅", handler=BenchHandler, permission=can_import_benches)
]
