"""A street assesses a stationed office on a phone and sees the summons figures prefilled."""

import pytest
from playwright.sync_api import expect

from wangge.cases.services import summons_check_in, summons_issue, summons_rate
from wangge.cases.tests.factories import CaseFactory, build_world
from wangge.core import clock
from wangge.powers.models import Assessment, Criterion, CriterionSource
from wangge.powers.scoring import criteria_in_force
from wangge.testing import build_city
from wangge.testing.users import PASSWORD

pytestmark = pytest.mark.browser

@pytest.fixture
def world(base_url):
    from tests.browser.test_cases import ensure_seed_category

    ensure_seed_category()
    world = build_world(build_city())
    case = CaseFactory.dispatched(world)
    summons = summons_issue(actor=world.street_staff, case_id=case.pk, urgent=False,
                            departments=[world.other_department])
    response = summons.responses.get()
    summons_check_in(actor=world.other_handler, response_id=response.pk)
    summons_rate(actor=world.street_staff, response_id=response.pk, rating=5)
    criteria_in_force()
    return world

def test_street_assesses_with_summons_prefilled(phone_page, base_url, login, world):
    page = phone_page
    login(page, world.street_staff.username, PASSWORD)
    page.goto(f"{base_url}/powers/")
    page.click("text=派驻机构考核")
    row = page.locator("tr", has_text=world.other_department.name)
    row.locator("a").click()
    rating = Criterion.objects.get(source=CriterionSource.SUMMONS_RATING)
    check_in = Criterion.objects.get(source=CriterionSource.SUMMONS_CHECK_IN)
    street = Criterion.objects.get(source=CriterionSource.STREET)
    expect(page.locator(f"#c{rating.pk}")).to_have_value("100.0")
    expect(page.locator(f"#c{check_in.pk}")).to_have_value("100.0")
    expect(page.locator("#summons-figures")).to_contain_text("吹哨报到 1 次")
    page.fill(f"#c{street.pk}", "88")
    page.click("button[name=submit]")
    expect(page.locator(".msg-success")).to_contain_text("已保存考核")
    assessment = Assessment.objects.get(department=world.other_department, year=clock.today().year)
    assert assessment.status == "submitted" and assessment.scores[str(street.pk)] == 88.0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
