"""An institution's loan spreadsheet through the shared import engine: rows in scope only,
all-valid-or-nothing with a row report, periods replaced, adverse records opened and
ended; balances and year-on-year change per area."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.finance import selectors
from wangge.finance.loans import balances_by_child
from wangge.finance.models import AdverseRecord, Loan, LoanBalance
from wangge.imports.engine import import_run

HEADER = ["机构代码", "合同编号", "村编码", "户编号", "产品名称", "放款金额（万元）", "放款日期", "到期日期",
          "期间", "月末余额（万元）", "逾期天数", "五级分类"]


def xlsx(rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("贷款台账.xlsx", buffer.getvalue())


def _rows(fw):
    v, o = fw.village.code, fw.other_village.code
    return [
        ["nsh", "HT1", v, "H000", "富农贷", 10, "2025-03-01", "2028-03-01", "2025-06", 9, 0, "正常"],
        ["nsh", "HT1", v, "H000", "富农贷", 10, "2025-03-01", "2028-03-01", "2026-05", 6, 35, "关注"],
        ["nsh", "HT2", v, "H001", "", 5, "2026-01-10", "", "2026-05", 5, 0, "正常"],
        ["nsh", "HT3", v, "", "", 100, "2026-02-01", "", "2026-05", 100, 0, "正常"],  # the collective's
        ["nsh", "HT4", o, "X001", "", 3, "2026-02-01", "", "2026-05", 3, 0, "正常"],
    ]


def test_officer_imports_balances_and_yoy(fw):
    result = import_run(actor=fw.officer, kind="finance_loans", mode="all_or_nothing", upload=xlsx(_rows(fw)))
    assert result.applied and result.created == {"loans": 4, "balances": 5}
    assert Loan.objects.count() == 4 and LoanBalance.objects.count() == 5
    assert Loan.objects.get(contract="HT3").household is None
    record = AdverseRecord.objects.get()
    assert record.started_on == date(2026, 5, 1) and record.ended_on is None
    total, rows = balances_by_child(base=selectors.balances_visible_to(fw.officer), node=fw.town,
                                    period=date(2026, 5, 1))
    assert total.balance == Decimal("114") and total.last_year == Decimal("0")
    by_village = {r.area.pk: r for r in rows}
    assert by_village[fw.village.pk].balance == Decimal("111")
    _total, grid_rows = balances_by_child(base=selectors.balances_visible_to(fw.officer), node=fw.village,
                                          period=date(2026, 5, 1))
    assert _total.balance == Decimal("111") and grid_rows[0].area == fw.village  # the collective's 100
    assert sum(r.balance for r in grid_rows) == Decimal("111")
    # A year earlier: 9 in June 2025 against 6 in June 2026 for the same loan.
    total, _rows_ = balances_by_child(base=selectors.balances_visible_to(fw.officer), node=fw.village,
                                      period=date(2026, 6, 1))
    assert total.last_year == Decimal("9")
    # Again with the loan back to normal: the period is replaced, the adverse record ends.
    again = [["nsh", "HT1", fw.village.code, "H000", "", 10, "2025-03-01", "", "2026-06", 5, 0, "正常"],
             ["nsh", "HT1", fw.village.code, "H000", "", 10, "2025-03-01", "", "2026-05", 6, 40, "关注"]]
    result = import_run(actor=fw.officer, kind="finance_loans", mode="valid_rows", upload=xlsx(again))
    assert result.created == {"loans": 0, "balances": 2}
    assert LoanBalance.objects.get(loan__contract="HT1", period=date(2026, 5, 1)).overdue_days == 40
    assert AdverseRecord.objects.get().ended_on == date(2026, 6, 1)


def test_all_or_nothing_with_a_row_report(fw):
    rows = _rows(fw) + [
        ["nsh", "HT9", "999999999999", "", "", 3, "2026-02-01", "", "2026-05", 3, 0, "正常"],  # unknown village
        ["nsh", "HT1", fw.village.code, "H000", "", 10, "2025-03-01", "", "2026-05", 6, 0, "正常"],  # duplicate
        ["zzz", "HT8", fw.village.code, "", "", 3, "2026-02-01", "", "2026-05", 4, 0, "正常"],  # institution
        ["nsh", "HT7", fw.village.code, "X001", "", 3, "2026-02-01", "", "2026-05", 2, 0, "很好"],
    ]
    result = import_run(actor=fw.officer, kind="finance_loans", mode="all_or_nothing", upload=xlsx(rows))
    assert not result.applied and not Loan.objects.exists() and not LoanBalance.objects.exists()
    report = {(e.row, e.column) for e in result.errors}
    assert {(7, "村编码"), (8, "合同编号"), (9, "机构代码"), (10, "五级分类")} <= report
    partial = import_run(actor=fw.officer, kind="finance_loans", mode="valid_rows", upload=xlsx(rows))
    assert partial.applied and partial.rejected_rows == 4 and Loan.objects.count() == 4


def test_rows_outside_the_importers_scope_are_refused(fw):
    from wangge.accounts.models import Role
    from wangge.testing.users import make_user

    village_officer = make_user(Role.FINANCE_OFFICER, fw.village, username="fo_v")
    result = import_run(actor=village_officer, kind="finance_loans", mode="valid_rows", upload=xlsx(_rows(fw)))
    assert result.rejected_rows == 1 and not Loan.objects.filter(contract="HT4").exists()
    assert result.errors[0].column == "村编码"
    # An assistant may not import at all.
    import pytest

    from wangge.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        import_run(actor=fw.assistant, kind="finance_loans", mode="valid_rows", upload=xlsx(_rows(fw)))


def test_a_product_named_with_full_width_brackets_is_found(fw):
    """The engine NFKC-normalises text cells (（ → (); the catalogue's name still matches."""
    from wangge.finance.models import Product

    product = Product.objects.create(institution=fw.bank, name="安居贷（农村商业）", purpose=fw.product.purpose,
                                     rate_min=fw.product.rate_min, rate_max=fw.product.rate_max, term_months=36,
                                     ceiling=30, applicant=fw.product.applicant)
    row = ["nsh", "HT5", fw.village.code, "H000", "安居贷（农村商业）", 10, "2025-03-01", "", "2026-05", 9, 0, "正常"]
    result = import_run(actor=fw.officer, kind="finance_loans", mode="all_or_nothing", upload=xlsx([row]))
    assert result.applied, result.errors
    assert Loan.objects.get(contract="HT5").product == product
