"""Rural finance on a phone (390 px): a finance assistant collects a household's need on
the phone page, matches it to a product and records the loan; a village becomes a
proposed credit village when enough households are rated."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import Role
from wangge.cases.tests.factories import build_world
from wangge.finance.credit import model_in_force
from wangge.finance.models import (
    Applicant,
    Demand,
    DemandStatus,
    Institution,
    InstitutionKind,
    Product,
    Purpose,
)
from wangge.finance.services_credit import consent_record, rating_save
from wangge.testing import build_city
from wangge.testing.people import make_household
from wangge.testing.users import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def fin(base_url):
    from tests.browser.test_cases import ensure_seed_category

    ensure_seed_category()
    world = build_world(build_city())
    bank = Institution.objects.create(code="nsh", name="农商银行", kind=InstitutionKind.RURAL_CREDIT)
    Product.objects.create(institution=bank, name="富农贷", purpose=Purpose.HERDING, rate_min=Decimal("3.85"),
                           rate_max=Decimal("6.5"), term_months=36, ceiling=Decimal("30"),
                           applicant=Applicant.HOUSEHOLD)
    households = [make_household(world.grid, code=f"H{k:03d}") for k in range(10)]
    assistant = make_user(Role.FINANCE_ASSISTANT, world.community, username="fa")
    model_in_force()
    return world, assistant, households


def _no_wider(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_assistant_collects_matches_and_records_the_loan(phone_page, base_url, login, fin):
    world, assistant, households = fin
    page = phone_page
    login(page, assistant.username, PASSWORD)
    page.goto(f"{base_url}/finance/demands/new/")
    _no_wider(page)
    page.fill("#id_household", "H003")
    page.select_option("#id_purpose", "herding")
    page.fill("#id_amount", "50")
    page.fill("#id_term_months", "24")
    page.click("#demand-form button[type=submit]")
    expect(page.locator(".msg-success")).to_contain_text("已登记金融需求")
    demand = Demand.objects.get()
    assert demand.household == households[3] and demand.status == DemandStatus.COLLECTED
    _no_wider(page)
    page.select_option("select[name=product]", label="农商银行 · 富农贷（≤30.00万）")
    page.click("form:has(input[value=match]) button")
    expect(page.locator(".error")).to_contain_text("最高额度")  # 50 > 30: the field says why
    page.fill("#m_amount", "20")
    page.click("form:has(input[value=match]) button")
    expect(page.locator(".msg-success")).to_contain_text("已对接贷款产品")
    page.fill("#g_contract", "HT-2026-001")
    page.fill("#g_granted_on", date.today().isoformat())
    page.click("button:has-text('记录放款')")
    expect(page.locator(".msg-success")).to_contain_text("已记录放款")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.GRANTED and demand.loans.get().contract == "HT-2026-001"
    _no_wider(page)


def test_village_proposed_when_enough_households_rated(phone_page, base_url, login, fin):
    world, assistant, households = fin
    criteria = list(model_in_force().criteria.all())
    year = date.today().year
    for household in households[:6]:
        consent_record(actor=assistant, household_id=household.pk, given_on=date(year, 1, 2), evidence="授权书")
        rating_save(actor=assistant, household_id=household.pk, year=year,
                    scores={str(c.pk): 80 for c in criteria}, evidence="纪要", group="评议小组")
    page = phone_page
    login(page, assistant.username, PASSWORD)
    page.goto(f"{base_url}/finance/villages/{world.community.pk}/")
    expect(page.locator("#village-figures")).not_to_contain_text("系统建议评为信用村")
    page.goto(f"{base_url}/finance/households/{households[6].pk}/rating/")
    page.fill("#consent_given_on", date(year, 1, 2).isoformat())
    page.fill("#consent_evidence", "授权书 007")
    page.click("button:has-text('登记授权')")
    expect(page.locator(".msg-success")).to_contain_text("已登记授权")
    for c in criteria:
        page.fill(f"#id_c{c.pk}", "75")
    page.fill("#id_group", "村书记、金融助理员")
    page.fill("#id_evidence", "评议会议纪要")
    page.click("button:has-text('保存评定')")
    expect(page.locator(".msg-success")).to_contain_text("AA")
    expect(page.locator("#village-figures")).to_contain_text("系统建议评为信用村")
    _no_wider(page)
