"""Excel import of buildings, households and residents: one engine, three kinds.

A checked upload is read as a stream of rows. Rows are validated and written in
batches inside one transaction: field checks first (pure, or cached look-ups), then
one query per batch for duplicates and households, then bulk inserts. "All or
nothing" stops inserting at the first rejected row, keeps validating to report every
rejected row, and rolls the transaction back. Every import writes one audit row with
counts and never with personal data.

Registers as offices keep them are read too: the header is the best-matching row among
the first ten (title rows above it are skipped), columns go by their everyday names
(公民身份号码, 手机, 现住址, 户号 …), text cells are NFKC-normalised (full-width digits and
letters), and residents without a household code are grouped by address and relation
(a 户主/本人 row starts a household). A preview runs every check and lists the households
to be created, and writes nothing.
"""

import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from openpyxl import Workbook
from openpyxl.utils.datetime import from_excel

from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.core.identity import (
    birth_date_from_id,
    gender_from_id,
    id_check_char,
    normalize_id_number,
    normalize_phone,
)
from wangge.core.masking import mask_id_number, mask_phone
from wangge.people.excel import (
    FormulaWithoutValue,
    SheetReader,
    UploadRejected,
    XlsxWriter,
    checked_upload,
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
from wangge.people.permissions import REGISTRY_WRITE_ROLES, can_import
from wangge.people.services import HOUSEHOLD_CODE_UNUSABLE, ID_NUMBER_UNUSABLE

BATCH_SIZE = 1000
# Households listed in a preview (new ones and registered ones rows join); counts go on.
MAX_PLANNED_HOUSEHOLDS = 500
# Members listed per household in a preview.
MAX_PLANNED_MEMBERS = 30
# More members than this at one address usually means the address stops at the estate.
LARGE_HOUSEHOLD = 10
# Errors kept for the page and the downloadable report; the count goes on beyond it.
MAX_REPORT_ERRORS = 50_000
REPORT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", "居民"
    HOUSEHOLDS = "households", "户"
    BUILDINGS = "buildings", "楼栋"


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", "导入有效行，跳过有误的行"
    ALL_OR_NOTHING = "all_or_nothing", "全部无误才导入（有任何错误则不导入）"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the header must be present and the cell filled
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: Any = ""
    text: bool = False  # format the template column as text (long digit strings)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str


@dataclass
class ImportResult:
    kind: str
    mode: str
    total_rows: int = 0
    valid_rows: int = 0
    rejected_rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    applied: bool = False
    preview: bool = False
    seconds: float = 0.0
    header_row: int = 1
    # Residents: the households the valid rows create or join, in file order (capped).
    households: list["PlannedHousehold"] = field(default_factory=list)
    households_new: int = 0
    households_joined: int = 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)


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


# ---------------------------------------------------------------- cell parsing

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
DATE_FORMATS_HINT = "2024-01-05、2024/1/5、2024.1.5、20240105 或 2024年1月5日"
_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")  # not "/": 低保/低收入 is one tag


class CellInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: numbers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """Dates as people type them, or an Excel date cell; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))  # 20240105 typed into a number cell
        elif 1 <= value < 2_958_466:
            return from_excel(value).date()  # an Excel serial day number
        else:
            raise CellInvalid(f"日期格式无法识别（可填 {DATE_FORMATS_HINT}）")
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    else:
        match = _DATE_TEXT.match(text)
        if match is None:
            raise CellInvalid(f"日期格式无法识别（可填 {DATE_FORMATS_HINT}）")
        parts = match.groups()
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise CellInvalid("日期不存在，请核对年月日") from exc


def _choice_map(choices, extra: dict[str, str]) -> dict[str, str]:
    mapping = {label: value for value, label in choices}
    mapping.update(extra)
    return mapping


GENDERS = _choice_map(Gender.choices, {"男性": Gender.MALE, "女性": Gender.FEMALE})
DOC_TYPES = _choice_map(
    DocType.choices,
    {
        "身份证": DocType.ID_CARD,
        "二代身份证": DocType.ID_CARD,
        "港澳居民来往内地通行证": DocType.HK_MACAO_TW,
        "台湾居民来往大陆通行证": DocType.HK_MACAO_TW,
        "港澳台居民居住证": DocType.HK_MACAO_TW,
        "外国人永久居留证": DocType.FOREIGN_PR,
    },
)
RELATIONS = _choice_map(
    Relation.choices,
    {
        "本人": Relation.SELF,
        "妻子": Relation.SPOUSE,
        "丈夫": Relation.SPOUSE,
        "妻": Relation.SPOUSE,
        "夫": Relation.SPOUSE,
        "儿子": Relation.CHILD,
        "女儿": Relation.CHILD,
        "父亲": Relation.PARENT,
        "母亲": Relation.PARENT,
        "祖父母": Relation.GRANDPARENT,
        "外祖父母": Relation.GRANDPARENT,
        "孙子女": Relation.GRANDCHILD,
        "外孙子女": Relation.GRANDCHILD,
        "兄弟": Relation.SIBLING,
        "姐妹": Relation.SIBLING,
    }
    # The words registers use (GB/T 4761 family relation names and their everyday forms).
    | dict.fromkeys(("户主本人", "本人户主"), Relation.SELF)
    | dict.fromkeys(("配偶", "爱人", "老伴", "夫妻"), Relation.SPOUSE)
    | dict.fromkeys(
        (
            "子",
            "女",
            "独生子",
            "独生女",
            "养子",
            "养女",
            "继子",
            "继女",
            *(f"{order}{child}" for order in "长次三四五六" for child in "子女"),
        ),
        Relation.CHILD,
    )
    | dict.fromkeys(("父", "母", "父母", "养父", "养母", "继父", "继母"), Relation.PARENT)
    | dict.fromkeys(
        ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "姥爷", "姥姥", "外公", "外婆"),
        Relation.GRANDPARENT,
    )
    | dict.fromkeys(
        ("孙子", "孙女", "外孙", "外孙子", "外孙女", "孙", "孙子女"), Relation.GRANDCHILD
    )
    | dict.fromkeys(
        ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟姐妹"), Relation.SIBLING
    )
    | dict.fromkeys(
        ("儿媳", "女婿", "岳父", "岳母", "公公", "婆婆", "侄子", "侄女", "外甥", "外甥女"),
        Relation.OTHER,
    ),
)
RESIDENCE_STATUSES = _choice_map(
    ResidenceStatus.choices,
    {"常住人口": ResidenceStatus.PERMANENT, "流动人口": ResidenceStatus.FLOATING},
)


def parse_choice(value: Any, mapping: dict[str, str], labels: Iterable[str]) -> str:
    text = "".join(cell_text(value).split())
    if text in mapping:
        return mapping[text]
    raise CellInvalid(f"「{text}」不是可选值，可填：{'、'.join(labels)}")


def _limit(text: str, length: int, label: str) -> str:
    if len(text) > length:
        raise CellInvalid(f"{label}不能超过 {length} 个字")
    return text


# Example values in the templates; a row that still carries one is refused.
EXAMPLE_ID_NUMBER = "11010119900307123" + id_check_char("11010119900307123")
EXAMPLE_HOUSEHOLD_CODE = "示例户0001"
EXAMPLE_BUILDING_NAME = "1号楼（示例）"
EXAMPLE_REASON = "这是模板中的示例行，请删除后再导入"


# ---------------------------------------------------------------- look-ups


@dataclass(frozen=True)
class GridRef:
    id: int
    code: str
    name: str
    path: str


class GridLookup:
    """Grid by code (or unique name) that exists AND is in the user's write scope."""

    NOT_FOUND = "网格编码不存在或不在您的管辖范围内"

    def __init__(self, user):
        self.user = user
        self._cache: dict[str, GridRef | str] = {}

    def resolve(self, value: Any) -> GridRef:
        text = "".join(cell_text(value).split())
        if text not in self._cache:
            self._cache[text] = self._find(text)
        found = self._cache[text]
        if isinstance(found, str):
            raise CellInvalid(found)
        return found

    def _find(self, text: str) -> GridRef | str:
        kinds = [AreaKind.GRID, AreaKind.MICROGRID]
        rows = list(
            Area.objects.filter(kind__in=kinds, code=text).values_list("id", "code", "name", "path")
        )
        if not rows:
            rows = list(
                Area.objects.filter(kind__in=kinds, name=text).values_list(
                    "id", "code", "name", "path"
                )[:50]
            )
        mine = [
            GridRef(*row) for row in rows if path_in_scope(self.user, row[3], REGISTRY_WRITE_ROLES)
        ]
        if not mine:
            return self.NOT_FOUND
        if len(mine) > 1:
            return "网格名称不唯一，请改填网格编码"
        return mine[0]


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


# ---------------------------------------------------------------- rows and kinds


class Row:
    __slots__ = ("number", "cells", "data", "errors")

    def __init__(self, number: int, cells: dict[str, Any]):
        self.number = number
        self.cells = cells
        self.data: dict[str, Any] = {}
        self.errors: list[tuple[str, str]] = []

    def fail(self, key: str, reason: str) -> None:
        self.errors.append((key, reason))

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))


class KindHandler:
    """One import kind: its columns, its checks and its inserts."""

    columns: tuple[Column, ...] = ()
    notes: tuple[str, ...] = ()
    title = ""

    # Rows refused because their ID number or household code is registered outside the
    # user's scope: they are told only to ask (services.ID_NUMBER_UNUSABLE), and
    # people_import audits the attempt.
    registered_elsewhere = 0
    REGISTERED_MESSAGES = {"id_number": "该证件号码已登记", "code": "该户编号已存在"}
    UNUSABLE_MESSAGES = {"id_number": ID_NUMBER_UNUSABLE, "code": HOUSEHOLD_CODE_UNUSABLE}

    def _fail_registered(self, row: "Row", key: str, area_path: str) -> None:
        if path_in_scope(self.user, area_path):
            row.fail(key, self.REGISTERED_MESSAGES[key])
        else:
            self.registered_elsewhere += 1
            row.fail(key, self.UNUSABLE_MESSAGES[key])

    def __init__(self, *, user):
        self.user = user
        self.grids = GridLookup(user)
        self.created: dict[str, int] = {}

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def check_fields(self, row: Row) -> None:
        raise NotImplementedError

    def check_batch(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def insert(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def field(self, row: Row, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        """Run ``parse`` on a filled cell, record its reason on failure; empty → default."""
        raw = row.cells.get(key)
        if isinstance(raw, FormulaWithoutValue):
            if raw.error:
                row.fail(
                    key, f"单元格 {raw.coordinate} 的公式计算出错（{raw.error}），请改正后再导入"
                )
            else:
                row.fail(
                    key,
                    f"公式单元格没有计算结果（单元格 {raw.coordinate}），"
                    "请在 Excel 或 WPS 中打开并保存后再导入，或改填数值",
                )
            return default
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.column(key).required:
                row.fail(key, f"{self.column(key).header}不能为空")
            return default
        try:
            return parse(raw)
        except CellInvalid as exc:
            row.fail(key, exc.reason)
        except ApplicationError as exc:
            row.fail(key, exc.message)
        return default

    def _count(self, what: str, number: int) -> None:
        self.created[what] = self.created.get(what, 0) + number


def _text_parser(length: int, label: str) -> Callable[[Any], str]:
    return lambda value: _limit(cell_text(value), length, label)


class ResidentHandler(KindHandler):
    title = "居民"
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
            note="、".join(DocType.labels) + "；不填为居民身份证",
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
        ),
        Column(
            "relation",
            "与户主关系",
            aliases=("与户主的关系", "关系", "家庭关系"),
            note="、".join(Relation.labels) + "（也可填本人、子、女、父、母、孙子等）；不填为户主",
            example="户主",
        ),
        Column(
            "residence_status",
            "居住状态",
            aliases=("居住情况", "人口类型"),
            note="、".join(ResidenceStatus.labels) + "；不填为常住",
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
        self.default_grid: GridRef | None = None
        self.planned: list[PlannedHousehold] = []
        self.households_new = 0
        self.households_joined = 0
        tags = list(CareTag.objects.all())
        self.tags = {tag.name: tag.id for tag in tags} | {tag.code: tag.id for tag in tags}
        self.tag_names = [tag.name for tag in tags]

    def _id_number(self, value: Any, doc_type: str) -> str:
        if isinstance(value, float) and (not value.is_integer() or abs(value) >= 1e15):
            raise CellInvalid(
                "证件号码被 Excel 存成了数字（末几位已丢失），请将该列设为文本后重新填写"
            )
        return normalize_id_number(cell_text(value), doc_type)

    def _care_tags(self, value: Any) -> list[int]:
        ids = []
        for name in _TAG_SEPARATORS.split(cell_text(value)):
            if not name:
                continue
            if name not in self.tags:
                raise CellInvalid(
                    f"没有名为「{name}」的关爱标签，可填：{'、'.join(self.tag_names)}"
                )
            ids.append(self.tags[name])
        return sorted(set(ids))

    def check_fields(self, row: Row) -> None:
        data = row.data
        data["name"] = self.field(row, "name", _text_parser(50, "姓名"), "")
        data["doc_type"] = self.field(
            row, "doc_type", lambda v: parse_choice(v, DOC_TYPES, DocType.labels), DocType.ID_CARD
        )
        number = self.field(row, "id_number", lambda v: self._id_number(v, data["doc_type"]), "")
        data["id_number"] = number
        if number and number == EXAMPLE_ID_NUMBER:
            row.fail("id_number", EXAMPLE_REASON)
        is_id_card = data["doc_type"] == DocType.ID_CARD and bool(number)
        id_failed = any(key == "id_number" for key, _ in row.errors)
        gender = self.field(row, "gender", lambda v: parse_choice(v, GENDERS, Gender.labels))
        implied_gender = gender_from_id(number) if is_id_card else None
        gender_failed = any(key == "gender" for key, _ in row.errors)
        if gender is None and implied_gender is None and not (gender_failed or id_failed):
            row.fail("gender", "性别不能为空（非身份证证件须填写性别）")
        elif gender and implied_gender and gender != implied_gender:
            row.fail("gender", "性别与身份证号码不一致")
        data["gender"] = gender or implied_gender
        birth = self.field(row, "birth_date", parse_date)
        implied_birth = birth_date_from_id(number) if is_id_card else None
        if birth is not None:
            if birth > clock.today() or birth.year < 1900:
                row.fail("birth_date", "出生日期不在合理范围内")
            elif implied_birth is not None and birth != implied_birth:
                row.fail("birth_date", "出生日期与身份证号码不一致")
        data["birth_date"] = birth or implied_birth
        data["phone"] = self.field(row, "phone", lambda v: normalize_phone(cell_text(v)), "")
        data["relation"] = self.field(
            row, "relation", lambda v: parse_choice(v, RELATIONS, Relation.labels), Relation.SELF
        )
        data["residence_status"] = self.field(
            row,
            "residence_status",
            lambda v: parse_choice(v, RESIDENCE_STATUSES, ResidenceStatus.labels),
            ResidenceStatus.PERMANENT,
        )
        data["ethnicity"] = self.field(row, "ethnicity", _ethnicity, "汉族")
        data["grid"] = self.field(row, "grid", self.grids.resolve)
        data["household"] = self.field(row, "household", _text_parser(40, "户编号"), "")
        data["address"] = " ".join(
            self.field(row, "address", _text_parser(200, "住址"), "").split()
        )
        data["notes"] = self.field(row, "notes", _text_parser(2000, "备注"), "")
        data["care_tags"] = self.field(row, "care_tags", self._care_tags, [])
        if number:
            data["index"] = crypto.blind_index(number, purpose="id")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        indexes = [row.data["index"] for row in candidates]
        registered = dict(
            Resident.objects.filter(id_number_index__in=indexes).values_list(
                "id_number_index", "area_path"
            )
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
                row.fail("id_number", f"与第 {earlier} 行的证件号码重复")
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
                row.fail("grid", f"户编号「{code}」尚未登记，新建该户须填写网格编码")
            if not data["address"]:
                row.fail("address", f"户编号「{code}」尚未登记，新建该户须填写住址")
            if not row.errors:
                self.households[code] = self._new_household(row, grid, code=code)
            return
        if not ref.in_scope:
            # Not "outside your scope": that would confirm the code exists elsewhere.
            self.registered_elsewhere += 1
            row.fail("household", HOUSEHOLD_CODE_UNUSABLE)
        elif data["grid"] is not None and data["grid"].id != ref.grid_id:
            where = f"第 {ref.first_row} 行新建的户" if ref.first_row else "该户已登记在其他网格"
            row.fail("grid", f"网格编码与{where}不一致")
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
            grid_id__in={grid_id for grid_id, _ in wanted},
            address__in={address for _, address in wanted},
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
            row.fail("grid", "没有户编号时须填写网格编码，或在导入页选择新建户所属的网格")
        if not data["address"]:
            row.fail("address", "没有户编号时须填写住址，以便按住址分户")
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
                f"该住址已登记 {len(registered)} 户，无法确定加入哪一户，请填写户编号",
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
            label = Relation(row.data["relation"]).label
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
            created = Household.objects.bulk_create(
                [
                    Household(
                        grid_id=ref.grid_id,
                        area_path=ref.area_path,
                        code=ref.code,
                        address=ref.address,
                    )
                    for ref in new.values()
                ],
                batch_size=BATCH_SIZE,
            )
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
        Resident.objects.bulk_create(residents, batch_size=BATCH_SIZE)
        through = Resident.care_tags.through
        links = [
            through(resident_id=resident.pk, caretag_id=tag_id)
            for resident, row in zip(residents, rows, strict=True)
            for tag_id in row.data["care_tags"]
        ]
        if links:
            through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self._count("residents", len(residents))


def _address_key(address: str) -> str:
    """Addresses group rows into households whatever their spacing."""
    return "".join(address.split())


def _ethnicity(value: Any) -> str:
    text = "".join(cell_text(value).split())
    if text and not text.endswith("族") and len(text) <= 3:
        text += "族"  # 汉 → 汉族, 蒙古 → 蒙古族
    return _limit(text, 20, "民族")


class HouseholdHandler(KindHandler):
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
        data["code"] = self.field(row, "code", _text_parser(40, "户编号"), "")
        if data["code"] == EXAMPLE_HOUSEHOLD_CODE:
            row.fail("code", EXAMPLE_REASON)
        data["grid"] = self.field(row, "grid", self.grids.resolve)
        data["address"] = self.field(row, "address", _text_parser(200, "住址"), "")
        data["room"] = self.field(row, "room", _text_parser(30, "房号"), "")
        data["building"] = self.field(row, "building", _text_parser(100, "楼栋"), "")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        codes = [row.data["code"] for row in candidates]
        registered = dict(Household.objects.filter(code__in=codes).values_list("code", "area_path"))
        wanted = {
            (row.data["grid"].id, row.data["building"])
            for row in candidates
            if row.data["building"]
        } - self.buildings.keys()
        if wanted:
            for pk, grid_id, name in Building.objects.filter(
                grid_id__in={grid_id for grid_id, _ in wanted},
                name__in={name for _, name in wanted},
            ).values_list("id", "grid_id", "name"):
                self.buildings[(grid_id, name)] = pk
        for row in candidates:
            data = row.data
            earlier = self.seen.get(data["code"])
            if earlier is not None:
                row.fail("code", f"与第 {earlier} 行的户编号重复")
            elif data["code"] in registered:
                self._fail_registered(row, "code", registered[data["code"]])
            data["building_id"] = None
            if data["building"]:
                data["building_id"] = self.buildings.get((data["grid"].id, data["building"]))
                if data["building_id"] is None:
                    row.fail("building", "该网格内没有这个楼栋")
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


class BuildingHandler(KindHandler):
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
        data["name"] = self.field(row, "name", _text_parser(100, "楼栋名称"), "")
        if data["name"] == unicodedata.normalize("NFKC", EXAMPLE_BUILDING_NAME):
            row.fail("name", EXAMPLE_REASON)
        data["estate"] = self.field(row, "estate", _text_parser(100, "小区名称"), "")
        data["address"] = self.field(row, "address", _text_parser(200, "地址"), "")
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
                row.fail("name", f"与第 {earlier} 行的楼栋重复（同一网格内重名）")
            elif key in registered:
                row.fail("name", "该网格内已有同名楼栋")
            else:
                self.seen[key] = row.number

    def insert(self, rows: list[Row]) -> None:
        wanted = {(row.data["grid"], row.data["estate"]) for row in rows if row.data["estate"]}
        missing = {(grid, name) for grid, name in wanted if (grid.id, name) not in self.estates}
        if missing:
            for pk, grid_id, name in Estate.objects.filter(
                grid_id__in={grid.id for grid, _ in missing},
                name__in={name for _, name in missing},
            ).values_list("id", "grid_id", "name"):
                self.estates[(grid_id, name)] = pk
            new = [(grid, name) for grid, name in missing if (grid.id, name) not in self.estates]
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


HANDLERS: dict[str, type[KindHandler]] = {
    ImportKind.RESIDENTS: ResidentHandler,
    ImportKind.HOUSEHOLDS: HouseholdHandler,
    ImportKind.BUILDINGS: BuildingHandler,
}
CREATED_LABELS = {"residents": "居民", "households": "户", "buildings": "楼栋", "estates": "小区"}


# ---------------------------------------------------------------- the engine


def normalize_header(value: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split())
    text = text.replace("(必填)", "").replace("(选填)", "").strip("*:")
    return text


def _header_names(columns: tuple[Column, ...]) -> dict[str, str]:
    names = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            names[normalize_header(name)] = column.key
    return names


def header_score(header: list[str], columns: tuple[Column, ...]) -> int:
    """How many of the kind's columns a row names: the header is the best-scoring row."""
    names = _header_names(columns)
    return len({names[text] for cell in header if (text := normalize_header(cell)) in names})


def map_header(header: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    """Column key → index in the sheet; tolerant of spaces, order and '*' marks."""
    names = _header_names(columns)
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(normalize_header(cell))
        if key is None:
            continue
        if key in mapping:
            raise UploadRejected(f"表头「{cell}」重复出现", code="bad_header")
        mapping[key] = index
    missing = [column.header for column in columns if column.required and column.key not in mapping]
    if missing:
        raise UploadRejected(
            f"缺少必需的列：{'、'.join(missing)}（请使用导入模板；表头须在前 10 行内）",
            code="missing_header",
        )
    return mapping


def _clean(value: Any) -> Any:
    """Full-width digits, letters and punctuation (１５０, ＡＢ, －) as their usual forms."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFKC", value)
    return value


def _echo(key: str, value: Any) -> str:
    """The offending cell for the report; ID numbers and phones are shown masked."""
    text = cell_text(value)
    if key == "id_number":
        text = mask_id_number(text)
    elif key == "phone":
        text = mask_phone(text)
    return text if len(text) <= 60 else text[:60] + "…"


class _Engine:
    def __init__(self, *, actor, kind: str, mode: str, preview: bool = False):
        self.handler = HANDLERS[kind](user=actor)
        self.mode = mode
        self.preview = preview
        self.result = ImportResult(kind=kind, mode=mode, preview=preview)

    def header_score(self, header: list[str]) -> int:
        return header_score(header, self.handler.columns)

    def run(self, reader: SheetReader) -> ImportResult:
        mapping = map_header(reader.header, self.handler.columns)
        self.result.header_row = reader.header_row
        max_rows = settings.WANGGE_IMPORT_MAX_ROWS
        batch: list[Row] = []
        for number, values in reader.rows():
            if all(
                value is None or (isinstance(value, str) and not value.strip()) for value in values
            ):
                continue
            self.result.total_rows += 1
            if self.result.total_rows > max_rows:
                raise UploadRejected(
                    f"数据超过 {max_rows} 行的上限，请拆分后分批导入", code="too_many_rows"
                )
            batch.append(
                Row(number, {key: _clean(values[index]) for key, index in mapping.items()})
            )
            if len(batch) >= BATCH_SIZE:
                self._process(batch)
                batch = []
        if batch:
            self._process(batch)
        if self.result.total_rows == 0:
            raise UploadRejected("表格中没有数据行", code="empty")
        self.result.applied = not self.preview and (
            self.mode == ImportMode.VALID_ROWS or self.result.rejected_rows == 0
        )
        self.result.created = dict(self.handler.created) if self.result.applied else {}
        if isinstance(self.handler, ResidentHandler):
            self.result.households = self.handler.planned
            self.result.households_new = self.handler.households_new
            self.result.households_joined = self.handler.households_joined
        return self.result

    def _process(self, batch: list[Row]) -> None:
        for row in batch:
            self.handler.check_fields(row)
        self.handler.check_batch(batch)
        valid = []
        for row in batch:
            if row.errors:
                self.result.rejected_rows += 1
                self._report(row)
            else:
                valid.append(row)
        self.result.valid_rows += len(valid)
        inserting = not self.preview and (
            self.mode == ImportMode.VALID_ROWS or self.result.rejected_rows == 0
        )
        if valid and inserting:
            self.handler.insert(valid)

    def _report(self, row: Row) -> None:
        for key, reason in row.errors:
            self.result.error_count += 1
            if len(self.result.errors) < MAX_REPORT_ERRORS:
                header = self.handler.column(key).header
                self.result.errors.append(
                    RowError(row.number, header, reason, _echo(key, row.cells.get(key)))
                )


def _audit_detail(
    kind: str, mode: str, result: ImportResult | None, reason: str = "", preview: bool = False
) -> dict:
    detail: dict[str, Any] = {"kind": kind, "mode": mode}
    if preview:
        detail["preview"] = True
    if result is not None:
        detail |= {
            "rows": result.total_rows,
            "valid_rows": result.valid_rows,
            "rejected_rows": result.rejected_rows,
            "created": result.created,
            "applied": result.applied,
        }
        if preview and result.kind == ImportKind.RESIDENTS:
            detail["households_new"] = result.households_new
    if reason:
        detail["refused"] = reason
    return detail


def people_import(
    *,
    actor,
    kind: str,
    mode: str,
    upload,
    request=None,
    preview: bool = False,
    default_grid: str = "",
) -> ImportResult:
    """Import an uploaded .xlsx of ``kind`` in ``mode``; refused files raise UploadRejected.

    ``upload`` is a Django UploadedFile (or anything with ``size`` and ``chunks()``).
    Nothing is written unless the result says ``applied``; a ``preview`` checks every
    row and lists the households the file would create, and writes nothing.
    ``default_grid`` (a grid code) is where residents' new households go when a row
    names no grid.
    """
    if not can_import(actor):
        raise PermissionRefused("您没有导入数据的权限")
    if kind not in ImportKind.values:
        raise ApplicationError("未知的导入类型", field="kind")
    if mode not in ImportMode.values:
        raise ApplicationError("请选择导入方式", field="mode")
    started = time.perf_counter()
    engine = _Engine(actor=actor, kind=kind, mode=mode, preview=preview)
    if default_grid and isinstance(engine.handler, ResidentHandler):
        try:
            engine.handler.default_grid = engine.handler.grids.resolve(default_grid)
        except CellInvalid as exc:
            raise ApplicationError(exc.reason, field="default_grid") from exc
    try:
        with (
            checked_upload(upload) as path,
            SheetReader(path, header_score=engine.header_score) as reader,
            transaction.atomic(),
        ):
            result = engine.run(reader)
            result.seconds = time.perf_counter() - started
            if preview:
                transaction.set_rollback(True)
            elif result.applied:
                audit_record(
                    action="import",
                    actor=actor,
                    request=request,
                    object_type="people.import",
                    object_id=kind,
                    detail=_audit_detail(kind, mode, result),
                )
            else:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        audit_record(
            action="import",
            outcome=Outcome.FAILURE,
            actor=actor,
            request=request,
            object_type="people.import",
            object_id=kind,
            detail=_audit_detail(kind, mode, None, "conflict", preview),
        )
        raise ApplicationError(
            "导入时与他人同时登记的数据冲突，本次导入未生效，请重试", code="conflict", field="file"
        ) from exc
    except ApplicationError as exc:
        audit_record(
            action="import",
            outcome=Outcome.FAILURE,
            actor=actor,
            request=request,
            object_type="people.import",
            object_id=kind,
            detail=_audit_detail(kind, mode, None, exc.code, preview),
        )
        raise
    if engine.handler.registered_elsewhere:
        audit_record(
            action="access_denied",
            outcome=Outcome.DENIED,
            actor=actor,
            request=request,
            object_type="people.import",
            object_id=kind,
            detail={"reason": "registered_elsewhere", "rows": engine.handler.registered_elsewhere},
        )
    if preview or not result.applied:
        audit_record(
            action="import",
            outcome=Outcome.SUCCESS if preview else Outcome.FAILURE,
            actor=actor,
            request=request,
            object_type="people.import",
            object_id=kind,
            detail=_audit_detail(kind, mode, result, preview=preview),
        )
    return result


# ---------------------------------------------------------------- templates and reports


def import_template_write(*, kind: str, target, grid_code: str = "") -> None:
    """The downloadable template: headers, one example row, and a notes sheet."""
    handler_class = HANDLERS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = f"{handler_class.title}导入"
    example = {"grid": grid_code or "150202001001001"}
    for index, column in enumerate(handler_class.columns, start=1):
        sheet.cell(row=1, column=index, value=column.header)
        value = example.get(column.key, column.example)
        cell = sheet.cell(row=2, column=index, value=value if value != "" else None)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in handler_class.columns:
        notes.append([column.header, "必填" if column.required else "", column.note])
    notes.append([])
    for line in (*handler_class.notes, "第 2 行是示例，导入前请删除。", "只读取第一个工作表。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 70
    book.save(target)


def _report_dir() -> Path:
    return Path(settings.WANGGE_IMPORT_REPORT_DIR)


def import_report_store(*, actor, result: ImportResult) -> str | None:
    """Write the rejected-rows report to a private file; return its token (None if clean)."""
    if not result.errors:
        return None
    directory = _report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 24 * 3600
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    writer = XlsxWriter()
    writer.sheet("导入错误", ["行号", "列", "原因", "单元格内容"])
    for error in result.errors:
        writer.append("导入错误", [error.row, error.column, error.reason, error.value])
    if result.errors_truncated:
        writer.append("导入错误", ["", "", f"错误过多，仅列出前 {len(result.errors)} 条", ""])
    writer.save(directory / f"{actor.pk}-{token}.xlsx")
    return token


# A previewed upload waits here for the user's confirmation; it holds personal data, so
# it is removed when applied and any left behind is removed after this many seconds.
PENDING_UPLOAD_SECONDS = 2 * 3600


def _pending_dir() -> Path:
    return _report_dir() / "pending"


def import_upload_keep(*, actor, upload) -> str:
    """Keep a previewed upload for the confirmation step; return its token."""
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    cutoff = time.time() - PENDING_UPLOAD_SECONDS
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    limit = settings.WANGGE_IMPORT_MAX_BYTES
    written = 0
    with open(directory / f"{actor.pk}-{token}.xlsx", "wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                raise UploadRejected("文件超过上限", code="too_large")
            out.write(chunk)
    return token


def import_upload_path(*, actor, token: str) -> Path | None:
    """This user's previewed upload, or None (expired, applied, or someone else's)."""
    if not REPORT_TOKEN.match(token or ""):
        return None
    path = _pending_dir() / f"{actor.pk}-{token}.xlsx"
    if not path.is_file() or path.stat().st_mtime < time.time() - PENDING_UPLOAD_SECONDS:
        return None
    return path


def import_report_path(*, actor, token: str) -> Path | None:
    """The stored report of this user, or None (another user's token finds nothing)."""
    if not REPORT_TOKEN.match(token or ""):
        return None
    path = _report_dir() / f"{actor.pk}-{token}.xlsx"
    return path if path.is_file() else None
