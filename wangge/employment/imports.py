"""Excel import of the census (the shared import engine: page, template, preview, row
report, apply-valid / all-or-nothing): companies, then their workers. Rows must lie in the
importer's write scope; a worker's name, phone or ID number is kept only with a consent
date in the row."""

from django.utils.translation import gettext_lazy

from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area, AreaKind
from wangge.core import clock, crypto
from wangge.core.identity import normalize_id_number, normalize_phone
from wangge.imports.cells import (
    CellInvalid,
    choice_map,
    parse_bool,
    parse_choice,
    parse_date,
    text_parser,
)
from wangge.imports.kinds import Column, KindHandler, Row
from wangge.imports.registry import Kind
from wangge.party.models import Member

from . import permissions as perms
from .models import Company, Industry, Worker, WorkerType
from .validation import credit_code_error

INDUSTRIES = choice_map(Industry.choices, {})
TYPES = choice_map(WorkerType.choices, {"骑手": "rider", "快递小哥": "courier", "网约车": "driver", "货车": "trucker"})
AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)


class _Areas:
    """Street, community or grid by code, in the importer's write scope (cached)."""

    def __init__(self, user):
        self.user, self.cache = user, {}

    def resolve(self, value) -> Area:
        code = "".join(str(value or "").split())
        if code not in self.cache:
            area = Area.objects.filter(code=code, kind__in=AREA_KINDS).only("id", "code", "path").first()
            self.cache[code] = area if area is not None and path_in_scope(self.user, area.path, perms.WRITE_ROLES) else None
        if self.cache[code] is None:
            raise CellInvalid("区域编码不存在或不在您的管辖范围内")
        return self.cache[code]


def _credit_code(value) -> str:
    code = "".join(str(value or "").split()).upper()
    error = credit_code_error(code)
    if error:
        raise CellInvalid(error)
    return code


def _past_date(value):
    day = parse_date(value)
    if day is not None and day > clock.today():
        raise CellInvalid("日期不能晚于今天")
    return day


class CompanyHandler(KindHandler):
    title = "新业态企业"
    created_labels = {"companies": "家企业"}
    columns = (
        Column("name", "企业名称", required=True, example="某某快递青山营业部"),
        Column("platform", "平台/品牌", required=True, aliases=("品牌", "平台"), example="顺丰"),
        Column("outlet", "网点/站点", aliases=("站点", "网点"), example="富强路网点"),
        Column("industry", "行业", required=True, note="快递、外卖、网约车、货运、其他", example="快递"),
        Column("credit_code", "统一社会信用代码", required=True, text=True, example="91150204MA0Q000003"),
        Column("address", "地址", example="青山区富强路 12 号"),
        Column("area", "所在区域编码", required=True, text=True, note="街道、社区或网格编码，须在您的管辖范围内",
               example="150204001000"),
        Column("surveyed_on", "摸排日期", example="2026-03-01"),
    )
    notes = ("统一社会信用代码为 18 位，系统校验最后一位校验码；已登记的代码不能重复导入。",)
    write_roles = perms.WRITE_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.areas = _Areas(user)
        self.seen: dict[str, int] = {}

    def check_fields(self, row: Row) -> None:
        row.data["name"] = self.field(row, "name", text_parser(100, "企业名称"), "")
        row.data["platform"] = self.field(row, "platform", text_parser(50, "平台/品牌"), "")
        row.data["outlet"] = self.field(row, "outlet", text_parser(100, "网点/站点"), "")
        row.data["industry"] = self.field(row, "industry", lambda v: parse_choice(v, INDUSTRIES, [lb for _v, lb in Industry.choices]))
        row.data["credit_code"] = self.field(row, "credit_code", _credit_code, "")
        row.data["address"] = self.field(row, "address", text_parser(200, "地址"), "")
        row.data["area"] = self.field(row, "area", self.areas.resolve)
        row.data["surveyed_on"] = self.field(row, "surveyed_on", _past_date, None)

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        taken = set(Company.objects.filter(credit_code__in={r.data["credit_code"] for r in candidates})
                    .values_list("credit_code", flat=True))
        for row in candidates:
            code = row.data["credit_code"]
            if code in self.seen:
                row.fail("credit_code", f"与第 {self.seen[code]} 行的统一社会信用代码重复")
            elif code in taken:
                row.fail("credit_code", "该统一社会信用代码已登记")
            else:
                self.seen[code] = row.number

    def insert(self, rows: list[Row]) -> None:
        today = clock.today()
        companies = [
            Company(name=r.data["name"], platform=r.data["platform"], outlet=r.data["outlet"],
                    industry=r.data["industry"], credit_code=r.data["credit_code"], address=r.data["address"],
                    area_id=r.data["area"].id, area_path=r.data["area"].path,
                    surveyed_on=r.data["surveyed_on"] or today)
            for r in rows
        ]
        Company.objects.bulk_create(companies)
        self.count("companies", len(companies))


class WorkerHandler(KindHandler):
    title = "新就业群体从业人员"
    created_labels = {"workers": "名从业人员"}
    columns = (
        Column("credit_code", "所属企业统一社会信用代码", required=True, text=True, aliases=("统一社会信用代码",),
               note="企业须已登记且在您的管辖范围内", example="91150204MA0Q000003"),
        Column("worker_type", "从业类型", required=True, note="快递员、外卖骑手、网约车司机、货车司机、其他", example="外卖骑手"),
        Column("area", "工作区域编码", required=True, text=True, note="街道、社区或网格编码", example="150204001000"),
        Column("station", "所在站点", example="富强路站"),
        Column("consent_on", "本人同意日期", aliases=("同意日期",),
               note="未取得本人同意的，姓名、电话、身份证号码须留空", example="2026-03-01"),
        Column("name", "姓名", example="张伟"),
        Column("phone", "联系电话", text=True, example="13912345678"),
        Column("id_number", "身份证号码", text=True, example=""),
        Column("party", "党员", note="是/否", example="否"),
        Column("membership", "组织关系所在", example=""),
    )
    notes = ("没有本人同意日期的行只登记类型、企业和区域；填写了姓名、电话或证件号码而没有同意日期的行不导入。",)
    write_roles = perms.WRITE_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.areas = _Areas(user)
        self.seen_ids: dict[str, int] = {}

    def check_fields(self, row: Row) -> None:
        row.data["credit_code"] = self.field(row, "credit_code", _credit_code, "")
        row.data["worker_type"] = self.field(row, "worker_type", lambda v: parse_choice(v, TYPES, [lb for _v, lb in WorkerType.choices]))
        row.data["area"] = self.field(row, "area", self.areas.resolve)
        row.data["station"] = self.field(row, "station", text_parser(100, "所在站点"), "")
        row.data["consent_on"] = self.field(row, "consent_on", _past_date, None)
        row.data["name"] = self.field(row, "name", text_parser(50, "姓名"), "")
        row.data["phone"] = self.field(row, "phone", normalize_phone, "")
        row.data["id_number"] = self.field(row, "id_number", normalize_id_number, "")
        row.data["party"] = self.field(row, "party", parse_bool, False)
        row.data["membership"] = self.field(row, "membership", text_parser(100, "组织关系所在"), "")
        personal = row.data["name"] or row.data["phone"] or row.data["id_number"]
        if personal and row.data["consent_on"] is None and not row.errors:
            row.fail("consent_on", "未记录本人同意，不能登记姓名、电话或证件号码")

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        companies = {
            c.credit_code: c for c in Company.objects.filter_to_scope(self.user, roles=perms.WRITE_ROLES)
            .filter(credit_code__in={r.data["credit_code"] for r in candidates}).only("id", "credit_code", "area_path")
        }
        indexes = {crypto.blind_index(r.data["id_number"], purpose="id") for r in candidates if r.data["id_number"]}
        taken = set(Worker.objects.filter(id_number_index__in=indexes).values_list("id_number_index", flat=True))
        for row in candidates:
            company = companies.get(row.data["credit_code"])
            if company is None:
                row.fail("credit_code", "没有该统一社会信用代码的企业，或不在您的管辖范围内")
                continue
            row.data["company"] = company
            number = row.data["id_number"]
            if number:
                index = crypto.blind_index(number, purpose="id")
                if index in taken:
                    row.fail("id_number", "该证件号码已登记")
                elif index in self.seen_ids:
                    row.fail("id_number", f"与第 {self.seen_ids[index]} 行的证件号码重复")
                else:
                    self.seen_ids[index] = row.number

    def insert(self, rows: list[Row]) -> None:
        today = clock.today()
        workers = []
        for r in rows:
            worker = Worker(worker_type=r.data["worker_type"], company_id=r.data["company"].id,
                            work_area_id=r.data["area"].id, area_path=r.data["area"].path,
                            station=r.data["station"], consent_on=r.data["consent_on"], name=r.data["name"],
                            is_party_member=r.data["party"], membership_held_at=r.data["membership"],
                            surveyed_on=today)
            worker.set_phone(r.data["phone"])
            worker.set_id_number(r.data["id_number"])
            workers.append(worker)
        # Party members whose ID number is in the party ledger are linked to their membership.
        wanted = {w.id_number_index for w, r in zip(workers, rows, strict=True) if r.data["party"] and w.id_number_index}
        if wanted:
            linked = set(Worker.objects.filter(party_member__isnull=False).values_list("party_member_id", flat=True))
            members = {m.id_number_index: m for m in Member.objects.filter(id_number_index__in=wanted)
                       .select_related("org").only("id", "id_number_index", "org__name")}
            for worker in workers:
                member = members.get(worker.id_number_index) if worker.is_party_member else None
                if member is not None and member.pk not in linked:
                    worker.party_member_id = member.pk
                    worker.membership_held_at = worker.membership_held_at or member.org.name
                    linked.add(member.pk)
        Worker.objects.bulk_create(workers)
        self.count("workers", len(workers))


IMPORT_KINDS = [
    Kind(key="employment_companies", label=gettext_lazy("新业态企业"), handler=CompanyHandler, permission=perms.can_import),
    Kind(key="employment_workers", label=gettext_lazy("新就业群体从业人员"), handler=WorkerHandler, permission=perms.can_import),
]
