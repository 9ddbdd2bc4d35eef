"""Excel import of party organisations and of the member ledger (the shared import
engine: page, template, preview, row report, apply-valid / all-or-nothing). Rows must lie
in the importer's party area scope (party staff, the organisation department)."""

from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area
from wangge.core import crypto
from wangge.core.inserts import bulk_insert
from wangge.imports.cells import (
    CellInvalid,
    choice_map,
    parse_bool,
    parse_choice,
    parse_date,
    text_parser,
)
from wangge.imports.kinds import BATCH_SIZE, Column, KindHandler, Row
from wangge.imports.registry import Kind
from wangge.party.models import (
    Member,
    MemberStatus,
    OrgKind,
    OrgLevel,
    PartyOrg,
    Stage,
)
from wangge.party.permissions import (
    MEMBER_IMPORT_ROLES,
    ORG_WRITE_ROLES,
    can_import_members,
    can_write_orgs,
)
from wangge.people.models import Resident

LEVELS = choice_map(OrgLevel.choices, {})
KINDS = choice_map(OrgKind.choices, {})
STAGES = choice_map(Stage.choices, {"预备": "probationary", "正式": "full"})
STATUSES = choice_map(MemberStatus.choices, {})
GENDERS = {"男": "male", "女": "female"}


class _OrgCodes:
    """Organisation by code, in the importer's area scope: one query for all of them."""

    def __init__(self, user, roles):
        self.user, self.roles, self.orgs = user, roles, None

    def resolve(self, value) -> PartyOrg:
        if self.orgs is None:
            rows = PartyOrg.objects.filter(dissolved_on__isnull=True).only("id", "code", "path", "area_path")
            self.orgs = {org.code: org for org in rows.iterator() if path_in_scope(self.user, org.area_path, self.roles)}
        org = self.orgs.get("".join(str(value or "").split()))
        if org is None:
            raise CellInvalid("党组织编码不存在或不在您的管辖范围内")
        return org


class OrgHandler(KindHandler):
    title = "党组织"
    created_labels = {"party_orgs": "党组织"}
    columns = (
        Column("code", "组织编码", required=True, text=True, example="P150203001001"),
        Column("name", "组织名称", required=True, example="某某网格党支部"),
        Column("parent", "上级组织编码", text=True, note="不填为顶层组织", example="P150203001"),
        Column("level", "组织类别", required=True, note="党委、党工委、党总支、党支部、联合党支部、党小组、临时党支部", example="党支部"),
        Column("kind", "组织类型", required=True, note="街道党工委、社区、网格、村/嘎查、行业党委、两新组织、机关事业单位、项目", example="网格"),
        Column("area", "所服务区域编码", required=True, text=True, note="须在您的管辖范围内", example="150203001001001"),
        Column("secretary", "书记", example="张三"),
        Column("committee", "委员人数", example="0"),
        Column("term", "本届起始", example="2024-01-01"),
    )
    notes = ("按上级在前、下级在后的顺序填写；组织编码不能重复。",)
    write_roles = ORG_WRITE_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[str, int] = {}

    def _area(self, value) -> Area:
        code = "".join(str(value or "").split())
        area = Area.objects.filter(code=code).first()
        if area is None or not path_in_scope(self.user, area.path, self.write_roles):
            raise CellInvalid("区域编码不存在或不在您的管辖范围内")
        return area

    def check_fields(self, row: Row) -> None:
        row.data["code"] = self.field(row, "code", text_parser(30, "组织编码"), "")
        row.data["name"] = self.field(row, "name", text_parser(100, "组织名称"), "")
        row.data["parent"] = self.field(row, "parent", text_parser(30, "上级组织编码"), "")
        row.data["level"] = self.field(row, "level", lambda v: parse_choice(v, LEVELS, [lb for _v, lb in OrgLevel.choices]))
        row.data["kind"] = self.field(row, "kind", lambda v: parse_choice(v, KINDS, [lb for _v, lb in OrgKind.choices]))
        row.data["area"] = self.field(row, "area", self._area)
        row.data["secretary"] = self.field(row, "secretary", text_parser(50, "书记"), "")
        row.data["committee"] = self.field(row, "committee", _small_int, 0)
        row.data["term"] = self.field(row, "term", parse_date, None)

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        taken = set(PartyOrg.objects.filter(code__in={r.data["code"] for r in candidates}).values_list("code", flat=True))
        for row in candidates:
            code = row.data["code"]
            if code in self.seen:
                row.fail("code", f"与第 {self.seen[code]} 行的组织编码重复")
            elif code in taken:
                row.fail("code", "组织编码已存在")
            elif row.data["parent"] and row.data["parent"] not in self.seen and not PartyOrg.objects.filter(code=row.data["parent"]).exists():
                row.fail("parent", "上级组织编码不存在（上级须在前面的行或已在系统中）")
            else:
                self.seen[code] = row.number

    def insert(self, rows: list[Row]) -> None:
        made = 0
        for row in rows:
            area = row.data["area"]
            if not path_in_scope(self.user, area.path, self.write_roles):
                continue
            node = PartyOrg(code=row.data["code"], name=row.data["name"], level=row.data["level"],
                            kind=row.data["kind"], area=area, area_path=area.path,
                            secretary_name=row.data["secretary"], committee_size=row.data["committee"],
                            term_started=row.data["term"])
            parent = PartyOrg.objects.filter(code=row.data["parent"]).first() if row.data["parent"] else None
            if parent is None:
                PartyOrg.objects.add_root(instance=node)
            else:
                PartyOrg.objects.add_child(parent, instance=node)
            made += 1
        self.count("party_orgs", made)


def _small_int(value) -> int:
    text = "".join(str(value if value is not None else "").split())
    if not text:
        return 0
    if not text.isdigit() or int(text) > 99:
        raise CellInvalid("请填写 0–99 的整数")
    return int(text)


def _dues(value) -> str:
    text = "".join(str(value or "").split())[:7]
    if text and not (len(text) == 7 and text[4] == "-" and text.replace("-", "").isdigit()):
        raise CellInvalid("请按“年-月”填写，如 2026-06")
    return text


class MemberHandler(KindHandler):
    title = "党员台账"
    created_labels = {"party_members": "党员"}
    columns = (
        Column("org", "组织关系所在党组织编码", required=True, text=True, note="须在您的管辖范围内", example="P150203001001001"),
        Column("name", "姓名", required=True, example="李明"),
        Column("id_number", "身份证号码", text=True, note="加密保存；与人口库一致时自动关联居民", example="150203199001011234"),
        Column("gender", "性别", example="男"),
        Column("birth", "出生日期", example="1990-01-01"),
        Column("phone", "联系电话", text=True, example="13800000000"),
        Column("admitted", "入党日期", required=True, example="2015-07-01"),
        Column("stage", "党员类别", note="正式党员 / 预备党员", example="正式党员"),
        Column("probation", "预备期满", note="预备党员必填", example=""),
        Column("status", "状态", note="正常、流出、流入、转接中、失联、去世、出党/退出；不填为正常", example="正常"),
        Column("post", "党内职务", example=""),
        Column("dues", "党费缴至（年-月）", example="2026-06"),
        Column("in_service", "在职党员", note="是 / 否", example="否"),
        Column("work_unit", "工作单位", example=""),
    )
    notes = ("一名党员只有一条组织关系：身份证号码不能重复。",)
    write_roles = MEMBER_IMPORT_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.orgs = _OrgCodes(user, self.write_roles)
        self.seen: dict[str, int] = {}

    def check_fields(self, row: Row) -> None:
        row.data["org"] = self.field(row, "org", self.orgs.resolve)
        row.data["name"] = self.field(row, "name", text_parser(50, "姓名"), "")
        row.data["id_number"] = self.field(row, "id_number", text_parser(18, "身份证号码"), "").upper()
        row.data["gender"] = self.field(row, "gender", lambda v: GENDERS.get(str(v or "").strip(), ""), "")
        row.data["birth"] = self.field(row, "birth", parse_date, None)
        row.data["phone"] = self.field(row, "phone", text_parser(20, "联系电话"), "")
        row.data["admitted"] = self.field(row, "admitted", parse_date, None)
        row.data["stage"] = self.field(row, "stage", lambda v: parse_choice(v, STAGES, [lb for _v, lb in Stage.choices]), "full")
        row.data["probation"] = self.field(row, "probation", parse_date, None)
        row.data["status"] = self.field(row, "status", lambda v: parse_choice(v, STATUSES, [lb for _v, lb in MemberStatus.choices]), "normal")
        row.data["post"] = self.field(row, "post", text_parser(30, "党内职务"), "")
        row.data["dues"] = self.field(row, "dues", _dues, "")
        row.data["in_service"] = self.field(row, "in_service", parse_bool, False)
        row.data["work_unit"] = self.field(row, "work_unit", text_parser(100, "工作单位"), "")
        if row.data.get("stage") == "probationary" and not row.data.get("probation") and not row.errors:
            row.fail("probation", "预备党员须填写预备期满日期")
        if not row.errors and row.data["id_number"]:
            row.data["index"] = crypto.blind_index(row.data["id_number"], purpose="id")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        indexes = {row.data["index"] for row in candidates if row.data.get("index")}
        indexes = list(indexes)
        taken = set(Member.objects.filter(id_number_index__any=indexes).values_list("id_number_index", flat=True))
        # The residents' ID index is partial (non-empty): say so, or PostgreSQL scans the table.
        self.residents = dict(
            Resident.objects.filter(id_number_index__any=indexes).exclude(id_number_index="")
            .values_list("id_number_index", "id")
        )
        linked = set(Member.objects.filter(resident_id__in=self.residents.values()).values_list("resident_id", flat=True))
        for row in candidates:
            index = row.data.get("index")
            if not index:
                continue
            if index in self.seen:
                row.fail("id_number", f"与第 {self.seen[index]} 行的身份证号码重复")
            elif index in taken or self.residents.get(index) in linked:
                row.fail("id_number", "该党员已在台账中（一人一条组织关系）")
            else:
                self.seen[index] = row.number

    def insert(self, rows: list[Row]) -> None:
        members = []
        for row in rows:
            org, data = row.data["org"], row.data
            if not path_in_scope(self.user, org.area_path, self.write_roles):
                continue
            member = Member(
                resident_id=self.residents.get(data.get("index")), name=data["name"], gender=data["gender"],
                birth_date=data["birth"], admitted_on=data["admitted"], stage=data["stage"],
                probation_ends=data["probation"], status=data["status"], post=data["post"],
                dues_paid_until=data["dues"], in_service=data["in_service"], work_unit=data["work_unit"],
                org_id=org.id, org_path=org.path, area_path=org.area_path,
            )
            if data["id_number"]:
                member.id_number_enc = crypto.encrypt(data["id_number"])
                member.id_number_index = data["index"]
            member.set_phone(data["phone"])
            members.append(member)
        bulk_insert(members, batch_size=BATCH_SIZE)  # COPY on PostgreSQL
        self.count("party_members", len(members))


IMPORT_KINDS = [
    Kind(key="party_orgs", label="党组织", handler=OrgHandler, permission=can_write_orgs),
    Kind(key="party_members", label="党员台账", handler=MemberHandler, permission=can_import_members),
]
