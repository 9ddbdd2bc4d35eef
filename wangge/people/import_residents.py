"""The residents import kind: residents join a household by its code, or, in an
office's register without codes, are grouped by address and relation (a 户主/本人 row
starts a household). A preview lists the households to be created."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts.scope import path_in_scope
from wangge.core import clock, crypto
from wangge.core.identity import (
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    normalize_phone,
)
from wangge.core.inserts import bulk_insert
from wangge.core.masking import mask_id_number, mask_phone
from wangge.imports.cells import (
    DATE_FORMATS_HINT,
    EXAMPLE_REASON,
    CellInvalid,
    cell_text,
    parse_choice,
    parse_date,
    sheet_words,
    text_parser,
)
from wangge.imports.kinds import BATCH_SIZE, Column, GridRef, ImportResult, Row
from wangge.people.import_common import (
    _TAG_SEPARATORS,
    DOC_TYPES,
    EXAMPLE_HOUSEHOLD_CODE,
    EXAMPLE_ID_NUMBER,
    GENDERS,
    RELATIONS,
    RESIDENCE_STATUSES,
    PeopleHandler,
    _address_key,
    _ethnicity,
)
from wangge.people.models import (
    CareTag,
    DocType,
    Gender,
    Household,
    Relation,
    ResidenceStatus,
    Resident,
)
from wangge.people.permissions import REGISTRY_WRITE_ROLES
from wangge.people.services import HOUSEHOLD_CODE_UNUSABLE

# Households listed in a preview (new ones and registered ones rows join); counts go on.
MAX_PLANNED_HOUSEHOLDS = 500
# The choices' labels, named in a refused cell's message: built once, not per row.
DOC_TYPE_LABELS = DocType.labels
GENDER_LABELS = Gender.labels
RELATION_LABELS = Relation.labels
RESIDENCE_STATUS_LABELS = ResidenceStatus.labels
# Members listed per household in a preview.
MAX_PLANNED_MEMBERS = 30
# More members than this at one address usually means the address stops at the estate.
LARGE_HOUSEHOLD = 10


@dataclass
class PlannedHousehold:
    """A household that valid rows create (or join) — what the preview shows."""

    code: str  # "" when numbered on import (grouped by address)
    grid: str
    address: str
    first_row: int
    existing: bool = False
    has_head: bool = False
    member_count: int = 0
    members: list[tuple[int, str, str]] = field(default_factory=list)  # row, name, relation

    @property
    def large(self) -> bool:
        return self.member_count > LARGE_HOUSEHOLD

    @property
    def more_members(self) -> int:
        return self.member_count - len(self.members)


@dataclass
class ResidentImportResult(ImportResult):
    # The households the valid rows create or join, in file order (capped).
    households: list[PlannedHousehold] = field(default_factory=list)
    households_new: int = 0
    households_joined: int = 0

    @property
    def preview_note(self) -> str:
        note = _("，新建户 %(n)s 户") % {"n": self.households_new} if self.households_new else ""
        if self.households_joined:
            note += _("，另有成员加入已登记的户 %(n)s 户") % {"n": self.households_joined}
        return note

    def audit_extra(self) -> dict:
        return {"households_new": self.households_new}

    @property
    def planned_new(self) -> list[PlannedHousehold]:
        return [plan for plan in self.households if not plan.existing]

    @property
    def planned_joined(self) -> list[PlannedHousehold]:
        return [plan for plan in self.households if plan.existing]

    @property
    def planned_capped(self) -> bool:
        return self.households_new > len(self.planned_new)


@dataclass
class HouseholdRef:
    id: int | None
    grid_id: int
    area_path: str
    in_scope: bool
    address: str = ""
    first_row: int = 0  # the file row that introduces a new household
    code: str = ""  # "" for a household grouped by address: numbered on insert
    grid_code: str = ""
    has_head: bool = True
    plan: PlannedHousehold | None = None
    joined: bool = False  # a registered household that valid rows join (counted once)


class ResidentHandler(PeopleHandler):
    title = "居民"
    result_class = ResidentImportResult
    uses_default_grid = True
    columns = (
        Column(
            "name", "姓名", required=True, aliases=("名字", "居民姓名", "人员姓名"), example="张三"
        ),
        Column("gender", "性别", note="男 / 女；身份证可推出时可不填", example="男"),
        Column(
            "birth_date",
            "出生日期",
            aliases=("出生年月", "出生年月日", "生日"),
            note=f"可填 {DATE_FORMATS_HINT}；身份证可推出时可不填",
            example="1990-03-07",
            text=True,
        ),
        Column(
            "doc_type",
            "证件类型",
            aliases=("证件种类",),
            note="、".join(sheet_words(DocType.labels)) + "；不填为居民身份证",
            example="居民身份证",
        ),
        Column(
            "id_number",
            "证件号码",
            required=True,
            aliases=(
                "身份证号码",
                "身份证号",
                "身份证",
                "公民身份号码",
                "公民身份证号码",
                "身份证件号码",
                "证件号",
            ),
            note="18 位身份证号校验末位；请把本列设为文本，避免 Excel 改成科学计数",
            example=EXAMPLE_ID_NUMBER,
            text=True,
            mask=mask_id_number,
        ),
        Column(
            "phone",
            "联系电话",
            aliases=(
                "电话",
                "手机号码",
                "手机号",
                "手机",
                "电话号码",
                "联系方式",
                "手机号码(联系电话)",
                "移动电话",
            ),
            note="手机 11 位或固话如 0472-1234567",
            example="13812345678",
            text=True,
            mask=mask_phone,
        ),
        Column(
            "relation",
            "与户主关系",
            aliases=("与户主的关系", "关系", "家庭关系"),
            note="、".join(sheet_words(Relation.labels)) + "（也可填本人、子、女、父、母、孙子等）；不填为户主",
            example="户主",
        ),
        Column(
            "residence_status",
            "居住状态",
            aliases=("居住情况", "人口类型"),
            note="、".join(sheet_words(ResidenceStatus.labels)) + "；不填为常住",
            example="常住",
        ),
        Column("ethnicity", "民族", note="不填为汉族", example="汉族"),
        Column(
            "grid",
            "网格编码",
            aliases=("网格", "所属网格", "网格名称"),
            note="网格编码（或唯一的网格名称），须在您的管辖范围内；"
            "新建户时必填，不填时用导入页选择的网格",
            text=True,
        ),
        Column(
            "household",
            "户编号",
            aliases=("户号", "户编码", "户代码"),
            note="已登记的户编号；不存在时按网格编码和住址新建该户；"
            "不填时按住址和与户主关系分户（户主一行开始一户）",
            example=EXAMPLE_HOUSEHOLD_CODE,
            text=True,
        ),
        Column(
            "address",
            "住址",
            aliases=("地址", "家庭住址", "现住址", "居住地址", "现居住地址", "现居地址"),
            note="新建户时必填；没有户编号时据此分户，请写到门牌号",
            example="某某小区1号楼1单元101",
        ),
        Column("notes", "备注"),
        Column(
            "care_tags",
            "关爱标签",
            aliases=("标签",),
            note="多个用顿号或逗号分隔，如：独居老人、低保/低收入",
        ),
    )
    notes = (
        "每行一位居民；表头可调整顺序，列名中的空格会被忽略。",
        "同一证件号码在文件内只能出现一次，已登记的证件号码会被拒绝。",
        "户编号不存在时，以该行的网格编码和住址新建户，同一户的其他成员填同一户编号即可。",
        "没有户编号时按住址分户：“户主”（或“本人”）一行在该住址开始一户，其后同一住址的"
        "成员归入该户；导入前的预览会列出将新建的每一户及其成员。",
        "表头上方可以有标题行；全角数字和字母、电话中的“-”和空格会自动规范。",
    )

    def __init__(self, *, user):
        super().__init__(user=user)
        self.households: dict[str, HouseholdRef | None] = {}
        self.seen_ids: dict[str, int] = {}
        # Rows without a household code: the household last started at (grid, address),
        # and the households already registered at an address, looked up once.
        self.by_address: dict[tuple[int, str], HouseholdRef] = {}
        self.registered_at: dict[tuple[int, str], list[HouseholdRef]] = {}
        self.next_numbers: dict[int, int] = {}
        self.planned: list[PlannedHousehold] = []
        self.households_new = 0
        self.households_joined = 0
        tags = list(CareTag.objects.all())
        self.tags = {tag.name: tag.id for tag in tags} | {tag.code: tag.id for tag in tags}
        self.tag_names = [tag.name for tag in tags]

    def _id_number(self, value: Any, doc_type: str) -> str:
        if isinstance(value, float) and (not value.is_integer() or abs(value) >= 1e15):
            raise CellInvalid(
                _("证件号码被 Excel 存成了数字（末几位已丢失），请将该列设为文本后重新填写")
            )
        return normalize_id_number(cell_text(value), doc_type)

    def _care_tags(self, value: Any) -> list[int]:
        ids = []
        for name in _TAG_SEPARATORS.split(cell_text(value)):
            if not name:
                continue
            if name not in self.tags:
                raise CellInvalid(
                    _("没有名为「%(name)s」的关爱标签，可填：%(tags)s")
                    % {"name": name, "tags": "、".join(self.tag_names)}
                )
            ids.append(self.tags[name])
        return sorted(set(ids))

    def check_fields(self, row: Row) -> None:
        data = row.data
        data["name"] = self.field(row, "name", text_parser(50, "姓名"), "")
        data["doc_type"] = self.field(
            row, "doc_type", lambda v: parse_choice(v, DOC_TYPES, DOC_TYPE_LABELS), DocType.ID_CARD
        )
        number = self.field(row, "id_number", lambda v: self._id_number(v, data["doc_type"]), "")
        data["id_number"] = number
        if number and number == EXAMPLE_ID_NUMBER:
            row.fail("id_number", _(EXAMPLE_REASON))
        is_id_card = data["doc_type"] == DocType.ID_CARD and bool(number)
        id_failed = any(key == "id_number" for key, _ in row.errors)
        gender = self.field(row, "gender", lambda v: parse_choice(v, GENDERS, GENDER_LABELS))
        implied_gender = gender_from_id(number) if is_id_card else None
        gender_failed = any(key == "gender" for key, _ in row.errors)
        if gender is None and implied_gender is None and not (gender_failed or id_failed):
            row.fail("gender", _("性别不能为空（非身份证证件须填写性别）"))
        elif gender and implied_gender and gender != implied_gender:
            row.fail("gender", _("性别与身份证号码不一致"))
        data["gender"] = gender or implied_gender
        birth = self.field(row, "birth_date", parse_date)
        implied_birth = birth_date_from_id(number) if is_id_card else None
        if birth is not None:
            if birth > clock.today() or birth.year < 1900:
                row.fail("birth_date", _("出生日期不在合理范围内"))
            elif implied_birth is not None and birth != implied_birth:
                row.fail("birth_date", _("出生日期与身份证号码不一致"))
        data["birth_date"] = birth or implied_birth
        data["phone"] = self.field(row, "phone", lambda v: normalize_phone(cell_text(v)), "")
        data["relation"] = self.field(
            row, "relation", lambda v: parse_choice(v, RELATIONS, RELATION_LABELS), Relation.SELF
        )
        data["residence_status"] = self.field(
            row,
            "residence_status",
            lambda v: parse_choice(v, RESIDENCE_STATUSES, RESIDENCE_STATUS_LABELS),
            ResidenceStatus.PERMANENT,
        )
        data["ethnicity"] = self.field(row, "ethnicity", _ethnicity, "汉族")
        data["grid"] = self.field(row, "grid", self.grids.resolve)
        data["household"] = self.field(row, "household", text_parser(40, "户编号"), "")
        data["address"] = " ".join(self.field(row, "address", text_parser(200, "住址"), "").split())
        data["notes"] = self.field(row, "notes", text_parser(2000, "备注"), "")
        data["care_tags"] = self.field(row, "care_tags", self._care_tags, [])
        if number:
            data["index"] = crypto.blind_index(number, purpose="id")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        indexes = [row.data["index"] for row in candidates]
        registered = dict(
            # The explicit <> '' lets PostgreSQL read the partial unique index with a
            # list longer than 100 (it proves the index's condition only for short lists).
            Resident.objects.filter(id_number_index__in=indexes)
            .exclude(id_number_index="")
            .values_list("id_number_index", "area_path")
        )
        unknown = {row.data["household"] for row in candidates} - self.households.keys()
        unknown.discard("")
        for code, pk, grid_id, area_path in Household.objects.filter(code__in=unknown).values_list(
            "code", "id", "grid_id", "area_path"
        ):
            in_scope = path_in_scope(self.user, area_path, REGISTRY_WRITE_ROLES)
            self.households[code] = HouseholdRef(pk, grid_id, area_path, in_scope, code=code)
        self._find_registered_at(candidates)
        for row in candidates:
            data = row.data
            earlier = self.seen_ids.get(data["index"])
            if earlier is not None:
                row.fail("id_number", _("与第 %(row)s 行的证件号码重复") % {"row": earlier})
            elif data["index"] in registered:
                self._fail_registered(row, "id_number", registered[data["index"]])
            self._resolve_household(row)
            if not row.errors:
                self.seen_ids[data["index"]] = row.number

    def _grid(self, row: Row) -> GridRef | None:
        """The row's grid, else the grid chosen on the import page."""
        return row.data["grid"] or self.default_grid

    def _resolve_household(self, row: Row) -> None:
        """The household the row joins or creates: by its code, else by its address."""
        if row.data["household"]:
            self._resolve_by_code(row)
        else:
            self._group_by_address(row)
        if not row.errors:
            self._plan(row)

    def _resolve_by_code(self, row: Row) -> None:
        data = row.data
        code, grid = data["household"], self._grid(row)
        ref = self.households.get(code)
        if ref is None:
            if row.errors:
                return
            if grid is None:
                row.fail("grid", _("户编号「%(code)s」尚未登记，新建该户须填写网格编码") % {"code": code})
            if not data["address"]:
                row.fail("address", _("户编号「%(code)s」尚未登记，新建该户须填写住址") % {"code": code})
            if not row.errors:
                self.households[code] = self._new_household(row, grid, code=code)
            return
        if not ref.in_scope:
            # Not "outside your scope": that would confirm the code exists elsewhere.
            self.registered_elsewhere += 1
            row.fail("household", HOUSEHOLD_CODE_UNUSABLE)
        elif data["grid"] is not None and data["grid"].id != ref.grid_id:
            if ref.first_row:
                row.fail("grid", _("网格编码与第 %(row)s 行新建的户不一致") % {"row": ref.first_row})
            else:
                row.fail("grid", _("网格编码与该户已登记在其他网格不一致"))
        else:
            data["ref"] = ref

    def _find_registered_at(self, rows: list[Row]) -> None:
        """Households already registered at the addresses of rows without a code."""
        wanted = {
            (grid.id, row.data["address"])
            for row in rows
            if not row.data["household"]
            and row.data["address"]
            and (grid := self._grid(row)) is not None
            and (grid.id, _address_key(row.data["address"])) not in self.registered_at
        }
        if not wanted:
            return
        keys = {(grid_id, _address_key(address)) for grid_id, address in wanted}
        for key in keys:
            self.registered_at[key] = []
        for pk, grid_id, address, area_path, code in Household.objects.filter(
            grid_id__in={grid_id for grid_id, _address in wanted},
            address__in={address for _grid, address in wanted},
        ).values_list("id", "grid_id", "address", "area_path", "code"):
            key = (grid_id, _address_key(address))
            if key in keys:
                self.registered_at[key].append(
                    HouseholdRef(pk, grid_id, area_path, True, address, code=code)
                )

    def _group_by_address(self, row: Row) -> None:
        """No household code: a 户主 row starts a household at its address (or heads the
        one its family started before it); other rows join the household last started
        at the same address, else the one household registered there."""
        data = row.data
        grid = self._grid(row)
        if grid is None:
            row.fail("grid", _("没有户编号时须填写网格编码，或在导入页选择新建户所属的网格"))
        if not data["address"]:
            row.fail("address", _("没有户编号时须填写住址，以便按住址分户"))
        if row.errors:
            return
        key = (grid.id, _address_key(data["address"]))
        current = self.by_address.get(key)
        head = data["relation"] == Relation.SELF
        if current is not None and (not head or not current.has_head):
            current.has_head = current.has_head or head
            data["ref"] = current
            return
        registered = self.registered_at.get(key, [])
        if not head and len(registered) > 1:
            row.fail(
                "address",
                _("该住址已登记 %(n)s 户，无法确定加入哪一户，请填写户编号") % {"n": len(registered)},
            )
            return
        if not head and registered:
            data["ref"] = registered[0]
            return
        self.by_address[key] = self._new_household(row, grid, has_head=head)

    def _new_household(
        self, row: Row, grid: GridRef, *, code: str = "", has_head: bool = True
    ) -> HouseholdRef:
        ref = HouseholdRef(
            None,
            grid.id,
            grid.path,
            True,
            row.data["address"],
            row.number,
            code=code,
            grid_code=grid.code,
            has_head=has_head,
        )
        self.households_new += 1
        if len(self.planned) < MAX_PLANNED_HOUSEHOLDS:
            ref.plan = PlannedHousehold(code, grid.name, ref.address, row.number)
            self.planned.append(ref.plan)
        row.data["ref"] = ref
        return ref

    def _plan(self, row: Row) -> None:
        """Count the valid row into the household it creates or joins (for the preview)."""
        ref: HouseholdRef = row.data["ref"]
        if ref.first_row == 0 and not ref.joined:  # a registered household
            ref.joined = True
            self.households_joined += 1
            if len(self.planned) < MAX_PLANNED_HOUSEHOLDS:
                ref.plan = PlannedHousehold(ref.code, "", ref.address, row.number, existing=True)
                self.planned.append(ref.plan)
        plan = ref.plan
        if plan is None:
            return
        plan.member_count += 1
        plan.has_head = plan.has_head or row.data["relation"] == Relation.SELF
        if len(plan.members) < MAX_PLANNED_MEMBERS:
            label = _(Relation(row.data["relation"]).label)
            plan.members.append((row.number, row.data["name"], label))

    def _next_code(self, ref: HouseholdRef) -> str:
        """The grid's next free code in the demo city's pattern: grid code + 4 digits."""
        prefix = ref.grid_code
        number = self.next_numbers.get(ref.grid_id)
        if number is None:
            codes = Household.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
            number = max(numbers, default=0)
        while True:
            number += 1
            code = f"{prefix}{number:04d}"
            if code not in self.households:  # a code the file itself brings
                break
        self.next_numbers[ref.grid_id] = number
        return code

    def insert(self, rows: list[Row]) -> None:
        new: dict[int, HouseholdRef] = {}
        for row in rows:
            ref = row.data["ref"]
            if ref.id is None:
                new[id(ref)] = ref
        if new:
            for ref in new.values():
                if not ref.code:
                    ref.code = self._next_code(ref)
                    if ref.plan is not None:
                        ref.plan.code = ref.code
            created = [
                Household(
                    grid_id=ref.grid_id,
                    area_path=ref.area_path,
                    code=ref.code,
                    address=ref.address,
                )
                for ref in new.values()
            ]
            bulk_insert(created, batch_size=BATCH_SIZE)
            for ref, household in zip(new.values(), created, strict=True):
                ref.id = household.pk
            self._count("households", len(created))
        residents = []
        for row in rows:
            data = row.data
            ref = data["ref"]
            resident = Resident(
                household_id=ref.id,
                area_path=ref.area_path,
                name=data["name"],
                gender=data["gender"],
                birth_date=data["birth_date"],
                doc_type=data["doc_type"],
                relation=data["relation"],
                residence_status=data["residence_status"],
                ethnicity=data["ethnicity"],
                notes=data["notes"],
            )
            resident.set_id_number(data["id_number"])
            if data["phone"]:
                resident.set_phone(data["phone"])
            residents.append(resident)
        bulk_insert(residents, batch_size=BATCH_SIZE)
        through = Resident.care_tags.through
        links = [
            through(resident_id=resident.pk, caretag_id=tag_id)
            for resident, row in zip(residents, rows, strict=True)
            for tag_id in row.data["care_tags"]
        ]
        if links:
            bulk_insert(links, batch_size=BATCH_SIZE)
        self._count("residents", len(residents))

    def finish(self, result: ResidentImportResult) -> None:
        result.households = self.planned
        result.households_new = self.households_new
        result.households_joined = self.households_joined
