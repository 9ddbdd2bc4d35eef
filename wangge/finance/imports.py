"""Import kind: an institution's loan spreadsheet (one row per loan and period: the loan's
contract, village, household, amount and dates, and its balance, days overdue and
five-category class at the end of that month). A new contract adds the loan; a period
already imported for a loan is replaced (the institution's latest figures stand).
Arrears and bad loans open an adverse record of the household; a period back to normal
ends it. Rows must lie in the finance officer's scope."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area, AreaKind
from wangge.core.inserts import bulk_insert
from wangge.imports.cells import (
    CellInvalid,
    cell_text,
    choice_map,
    parse_choice,
    parse_date,
    text_parser,
)
from wangge.imports.kinds import BATCH_SIZE, Column, KindHandler, Row
from wangge.imports.registry import Kind
from wangge.people.models import Household

from . import permissions as perms
from .models import BAD_CLASSES, AdverseRecord, FiveClass, Institution, Loan, LoanBalance, Product

FIVE_CLASSES = choice_map(FiveClass.choices, {})


def _amount(value) -> Decimal:
    try:
        amount = Decimal(cell_text(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CellInvalid(_("金额应为数字（万元）")) from None
    if not Decimal(0) <= amount <= Decimal("100000"):
        raise CellInvalid(_("金额应在 0 到 100000 万元之间"))
    return amount


def _period(value) -> date:
    text = cell_text(value)
    if len(text) in (6, 7) and text[:4].isdigit():
        try:
            return date(int(text[:4]), int(text[-2:]), 1)
        except ValueError:
            raise CellInvalid(_("期间应为年月，如 2026-03")) from None
    day = parse_date(value)
    if day is None:
        raise CellInvalid(_("期间应为年月，如 2026-03"))
    return day.replace(day=1)


def _days(value) -> int:
    try:
        days = int(float(cell_text(value)))
    except ValueError:
        raise CellInvalid(_("逾期天数应为整数")) from None
    if not 0 <= days <= 10000:
        raise CellInvalid(_("逾期天数应在 0 到 10000 之间"))
    return days


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


class LoanHandler(KindHandler):
    title = "金融机构贷款台账"
    created_labels = {"loans": "笔新贷款", "balances": "条月末余额"}
    columns = (
        Column("institution", "机构代码", required=True, aliases=("金融机构代码",), text=True, example="nsh"),
        Column("contract", "合同编号", required=True, aliases=("借款合同号",), text=True, example="HT2026-0001"),
        Column("village", "村编码", required=True, aliases=("嘎查村编码",), text=True,
               note="须为您管辖范围内的村（嘎查）", example="150221100201"),
        Column("household", "户编号", aliases=("借款户编号",), text=True, note="村集体贷款不填"),
        Column("product", "产品名称", aliases=("贷款产品",)),
        Column("amount", "放款金额（万元）", required=True, aliases=("放款金额",), example=5),
        Column("granted_on", "放款日期", required=True, example="2026-03-01"),
        Column("matures_on", "到期日期", example="2027-03-01"),
        Column("period", "期间", required=True, aliases=("统计月份", "月份"), note="年月，如 2026-03", example="2026-03"),
        Column("balance", "月末余额（万元）", required=True, aliases=("贷款余额", "余额"), example=4.5),
        Column("overdue", "逾期天数", aliases=("逾期",), example=0),
        Column("five_class", "五级分类", aliases=("风险分类",), note="正常、关注、次级、可疑、损失", example="正常"),
    )
    notes = ("每行一笔贷款一个月末的余额；同一贷款同一期间再次导入时以新数据为准。",)
    write_roles = perms.OFFICER_ROLES

    def __init__(self, *, user):
        super().__init__(user=user)
        self.seen: dict[tuple, int] = {}
        self.institutions = {i.code: i.pk for i in Institution.objects.filter(active=True)}
        self.villages: dict[str, tuple[int, str] | None] = {}
        # (institution id, contract) → (loan id or None when new in this file, village id)
        self.loans: dict[tuple[int, str], list] = {}

    def check_fields(self, row: Row) -> None:
        row.data["institution"] = self.field(row, "institution", text_parser(30, "机构代码"), "")
        row.data["contract"] = self.field(row, "contract", text_parser(40, "合同编号"), "")
        row.data["village"] = self.field(row, "village", text_parser(20, "村编码"), "")
        row.data["household"] = self.field(row, "household", text_parser(40, "户编号"), "")
        row.data["product"] = self.field(row, "product", text_parser(100, "产品名称"), "")
        row.data["amount"] = self.field(row, "amount", _amount)
        row.data["granted_on"] = self.field(row, "granted_on", parse_date)
        row.data["matures_on"] = self.field(row, "matures_on", parse_date)
        row.data["period"] = self.field(row, "period", _period)
        row.data["balance"] = self.field(row, "balance", _amount)
        row.data["overdue"] = self.field(row, "overdue", _days, 0)
        row.data["five_class"] = self.field(
            row, "five_class", lambda v: parse_choice(v, FIVE_CLASSES, FIVE_CLASSES), FiveClass.NORMAL)
        if row.errors:
            return
        if row.data["institution"] not in self.institutions:
            row.fail("institution", _("没有该代码的金融机构"))
        if row.data["matures_on"] and row.data["matures_on"] <= row.data["granted_on"]:
            row.fail("matures_on", _("到期日期应晚于放款日期"))
        if row.data["period"] < row.data["granted_on"].replace(day=1):
            row.fail("period", _("期间不能早于放款月份"))
        if row.data["balance"] > row.data["amount"]:
            row.fail("balance", _("余额不能大于放款金额"))

    def _village(self, code: str):
        if code not in self.villages:
            area = Area.objects.filter(code=code, kind=AreaKind.COMMUNITY).values_list("pk", "path").first()
            self.villages[code] = area if area and path_in_scope(self.user, area[1], self.write_roles) else None
        return self.villages[code]

    def check_batch(self, rows: list[Row]) -> None:
        candidates = [row for row in rows if not row.errors]
        households = {
            code: (pk, path) for code, pk, path in Household.objects.filter(
                code__in={r.data["household"] for r in candidates if r.data["household"]})
            .values_list("code", "pk", "area_path")
        }
        wanted = {(self.institutions[r.data["institution"]], r.data["contract"]) for r in candidates} - set(self.loans)
        by_contract: dict[int, set[str]] = {}
        for institution, contract in wanted:
            by_contract.setdefault(institution, set()).add(contract)
        for institution, contracts in by_contract.items():
            for pk, contract, village_id in Loan.objects.filter(institution_id=institution, contract__in=contracts) \
                    .values_list("pk", "contract", "village_id"):
                self.loans[(institution, contract)] = [pk, village_id]
        # The engine NFKC-normalises text cells (full-width brackets become ASCII), so the
        # catalogue's names are compared in the same form.
        products = {(institution_id, _nfkc(name)): pk
                    for pk, institution_id, name in Product.objects.values_list("pk", "institution_id", "name")}
        for row in candidates:
            village = self._village(row.data["village"])
            if village is None:
                row.fail("village", _("村编码不存在或不在您的管辖范围内"))
                continue
            household = None
            if row.data["household"]:
                household = households.get(row.data["household"])
                if household is None or not household[1].startswith(village[1]):
                    row.fail("household", _("该村没有此户编号"))
                    continue
            institution = self.institutions[row.data["institution"]]
            key = (institution, row.data["contract"], row.data["period"])
            if key in self.seen:
                row.fail("contract", _("与第 {n} 行的合同和期间重复").format(n=self.seen[key]))
                continue
            known = self.loans.get((institution, row.data["contract"]))
            if known is not None and known[1] != village[0]:
                row.fail("contract", _("该合同已登记在另一个村"))
                continue
            product = _nfkc(row.data["product"])
            if product and (institution, product) not in products:
                row.fail("product", _("该机构没有此贷款产品"))
                continue
            self.seen[key] = row.number
            row.data.update(village_id=village[0], path=household[1] if household else village[1],
                            household_id=household[0] if household else None, institution_id=institution,
                            product_id=products.get((institution, product)))
            if known is None:
                self.loans[(institution, row.data["contract"])] = [None, village[0]]

    def insert(self, rows: list[Row]) -> None:
        new = []
        for row in rows:
            key = (row.data["institution_id"], row.data["contract"])
            if self.loans[key][0] is None:
                loan = Loan(institution_id=key[0], contract=key[1], village_id=row.data["village_id"],
                            household_id=row.data["household_id"], product_id=row.data["product_id"],
                            amount=row.data["amount"], granted_on=row.data["granted_on"],
                            matures_on=row.data["matures_on"], area_path=row.data["path"])
                self.loans[key][0] = loan
                new.append(loan)
        bulk_insert(new, batch_size=BATCH_SIZE)  # COPY on PostgreSQL
        for loan in new:
            self.loans[(loan.institution_id, loan.contract)][0] = loan.pk
        self.count("loans", len(new))
        balances = []
        for row in rows:
            loan_id = self.loans[(row.data["institution_id"], row.data["contract"])][0]
            balances.append(LoanBalance(loan_id=loan_id, period=row.data["period"], balance=row.data["balance"],
                                        overdue_days=row.data["overdue"], five_class=row.data["five_class"],
                                        area_path=row.data["path"]))
        periods = {b.period for b in balances}
        LoanBalance.objects.filter(loan_id__in={b.loan_id for b in balances}, period__in=periods).delete()
        bulk_insert(balances, batch_size=BATCH_SIZE)
        self.count("balances", len(balances))
        self._adverse(rows)

    def _adverse(self, rows: list[Row]) -> None:
        """Open an adverse record when a household's loan falls into arrears or a bad
        class; end it when a later period is back to normal."""
        rows = sorted((r for r in rows if r.data["household_id"]), key=lambda r: r.data["period"])
        if not rows:
            return
        loan_ids = {self.loans[(r.data["institution_id"], r.data["contract"])][0] for r in rows}
        open_records = {a.loan_id: a for a in AdverseRecord.objects.filter(loan_id__in=loan_ids, ended_on__isnull=True)}
        new, ended = [], []
        for row in rows:
            loan_id = self.loans[(row.data["institution_id"], row.data["contract"])][0]
            adverse = row.data["overdue"] > 0 or row.data["five_class"] in BAD_CLASSES
            record = open_records.get(loan_id)
            if adverse and record is None:
                kind = AdverseRecord.Kind.BAD if row.data["five_class"] in BAD_CLASSES else AdverseRecord.Kind.ARREARS
                record = AdverseRecord(household_id=row.data["household_id"], loan_id=loan_id, kind=kind,
                                       started_on=row.data["period"], area_path=row.data["path"])
                open_records[loan_id] = record
                new.append(record)
            elif not adverse and record is not None and row.data["period"] > record.started_on:
                record.ended_on = row.data["period"]
                open_records.pop(loan_id)
                if record.pk:
                    ended.append(record)
        bulk_insert(new, batch_size=BATCH_SIZE)
        if ended:
            AdverseRecord.objects.bulk_update(ended, ["ended_on"])


IMPORT_KINDS = [
    Kind(key="finance_loans", label=gettext_lazy("金融机构贷款台账"), handler=LoanHandler,
         permission=perms.can_import_loans, hint=gettext_lazy("每家金融机构按月报送的贷款与余额明细")),
]
