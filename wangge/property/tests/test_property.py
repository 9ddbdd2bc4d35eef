"""Red property: the credit code, committee rules, scope of reads and writes, fees, the
opinion book's reply figures and the public pages without personal data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from wangge.areas.models import Area, Estate
from wangge.audit.models import AuditEvent
from wangge.consultation.models import Proposal, ProposalSource
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.property import credit_code, selectors, services
from wangge.property.models import (
    CommitteeKind,
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    SatisfactionRating,
)

VALID = "91350100M000100Y43"


@pytest.fixture
def estates(world):
    mine = Estate.objects.create(grid=world.grid, name="幸福小区")
    other_grid = Area.objects.filter(path__startswith=world.other_community.path, depth=5).first()
    theirs = Estate.objects.create(grid=other_grid, name="别处小区")
    return mine, theirs


def test_the_credit_code_check_character():
    assert credit_code.is_valid(VALID)
    assert credit_code.is_valid("91440300708461136T")
    assert credit_code.check_character(VALID[:17]) == "3"
    assert not credit_code.is_valid("91350100M000100Y44")  # wrong check character
    assert not credit_code.is_valid("91350100M000100Y4")  # too short
    assert not credit_code.is_valid("91350100M000100I43")  # I is not in the alphabet


def test_a_company_with_a_bad_code_is_refused(world):
    with pytest.raises(ApplicationError) as bad:
        services.company_register(actor=world.community_staff, area=world.community, name="某物业",
                                  credit="91350100M000100Y44")
    assert bad.value.field == "credit_code"
    company = services.company_register(actor=world.community_staff, area=world.community,
                                        name="某物业", credit=VALID.lower(), contact_phone="13812345678")
    assert company.credit_code == VALID and "13812345678" not in company.contact_phone_enc


def test_committee_rules():
    ok = {"kind": CommitteeKind.OWNERS, "elected_on": date(2026, 1, 1), "term_years": 5, "members": 7,
          "party_members": 3, "filed_on": date(2026, 1, 20)}
    services.committee_check(**ok)
    for change, field in (({"members": 6}, "members"), ({"members": 13}, "members"),
                          ({"term_years": 6}, "term_years"), ({"filed_on": date(2026, 2, 5)}, "filed_on"),
                          ({"party_members": 8}, "party_members")):
        with pytest.raises(ApplicationError) as caught:
            services.committee_check(**{**ok, **change})
        assert caught.value.field == field


def test_expiring_terms_are_listed_three_months_ahead(world, estates):
    mine, _ = estates
    staff = world.community_staff
    services.committee_record(actor=staff, estate=mine, kind=CommitteeKind.OWNERS, elected_on=date(2021, 8, 1),
                              term_years=5, members=7, chair_name="李主任", party_members=3)
    assert [c.term_ends for c in selectors.committees_visible_to(staff, expiring=True)] == [date(2026, 8, 1)]
    services.committee_record(actor=staff, estate=mine, kind=CommitteeKind.OWNERS, elected_on=date(2026, 6, 1),
                              term_years=5, members=9, chair_name="周主任", party_members=5,
                              filed_on=date(2026, 6, 5))
    assert list(selectors.committees_visible_to(staff, expiring=True)) == []
    assert selectors.committees_visible_to(staff).get().chair_name == "周主任"


def test_a_community_sees_its_estates_and_fees_and_cannot_write_elsewhere(world, estates):
    mine, theirs = estates
    staff = world.community_staff
    assert list(selectors.estates_visible_to(staff)) == [mine]
    services.fee_record(actor=staff, estate=mine, period=date(2026, 5, 1), amount_due=Decimal("1000"),
                        amount_paid=Decimal("800"), households_due=10, households_paid=9)
    with pytest.raises(NotFoundOrForbidden):
        services.fee_record(actor=staff, estate=theirs, period=date(2026, 5, 1), amount_due=Decimal("1"),
                            amount_paid=Decimal("1"), households_due=1, households_paid=1)
    with pytest.raises(NotFoundOrForbidden):
        services.estate_profile_save(actor=staff, estate=theirs, mode=ManagementMode.SELF)
    assert FeeRecord.objects.count() == 1 and not EstateProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="property_estate_save").exists()
    totals = selectors.fee_totals(selectors.fees_visible_to(staff))
    assert (totals["amount_rate"], totals["household_rate"]) == (80.0, 90.0)
    assert list(selectors.fees_visible_to(world.other_community_staff)) == []


def test_fee_figures_must_be_consistent(world, estates):
    with pytest.raises(ApplicationError):
        services.fee_record(actor=world.community_staff, estate=estates[0], period=date(2026, 5, 1),
                            amount_due=Decimal("100"), amount_paid=Decimal("120"), households_due=1,
                            households_paid=1)


def test_opinion_reply_rate_and_median_and_conversion(world, estates, frozen):
    mine, _ = estates
    staff = world.community_staff
    a = services.opinion_write(actor=None, estate=mine, text="楼道灯坏了", author_phone="13812345678")
    b = services.opinion_write(actor=None, estate=mine, text="垃圾清运不及时")
    frozen(frozen.now + timedelta(hours=10))
    services.opinion_reply(actor=staff, entry_id=a.pk, reply="已安排维修", reply_by="company")
    figures = selectors.reply_figures(selectors.opinions_visible_to(staff))
    assert (figures["total"], figures["on_time"], figures["rate"], figures["median_hours"]) == (2, 1, 50.0, 10.0)
    services.opinion_to_proposal(actor=staff, entry_id=b.pk, title="垃圾清运")
    assert Proposal.objects.get().source == ProposalSource.OPINION
    with pytest.raises(NotFoundOrForbidden):
        services.opinion_reply(actor=world.other_community_staff, entry_id=b.pk, reply="越权")
    assert OpinionEntry.objects.get(pk=b.pk).reply == ""


def test_one_rating_per_household_per_quarter(world, estates):
    mine, _ = estates
    company = services.company_register(actor=world.community_staff, area=world.community, name="某物业",
                                        credit=VALID)
    services.estate_profile_save(actor=world.community_staff, estate=mine, mode=ManagementMode.COMPANY,
                                 company=company)
    services.satisfaction_rate(estate=mine, phone="13800000001", score=4)
    with pytest.raises(ApplicationError, match="本季度已评价"):
        services.satisfaction_rate(estate=mine, phone="138 0000 0001", score=2)
    assert SatisfactionRating.objects.count() == 1
    assert Estate.objects.get(pk=mine.pk).has_property_management


def test_pages_in_scope_and_public_pages_without_personal_data(client, world, estates):
    mine, theirs = estates
    services.opinion_write(actor=None, estate=mine, text="楼道灯坏了", author_name="钱隐私",
                           author_phone="13812345678")
    client.force_login(world.community_staff)
    for url in ("/property/estates/", f"/property/estates/{mine.pk}/", "/property/companies/",
                "/property/companies/new/", "/property/committees/", "/property/fees/", "/property/opinions/",
                f"/property/opinions/{OpinionEntry.objects.get().pk}/", f"/property/estates/{mine.pk}/committee/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/property/estates/{theirs.pk}/").status_code == 404
    response = client.post(f"/property/estates/{theirs.pk}/", {"mode": "self", "households": 1,
                                                              "delivered_percent": 100})
    assert response.status_code == 404 and not EstateProfile.objects.exists()
    client.logout()
    html = client.get(f"/property/e/{mine.pk}/opinions/").content.decode()
    assert "楼道灯坏了" in html
    for secret in ("钱隐私", "13812345678", "138****5678"):
        assert secret not in html
    response = client.post(f"/property/e/{mine.pk}/opinions/", {"text": ""})
    assert response.status_code == 400 and "这个字段是必填项。" in response.content.decode()


def test_the_estate_page_lists_its_cases_and_the_api_is_scoped(client, world, estates):
    from wangge.cases.models import Category
    from wangge.cases.services import case_report

    mine, _theirs = estates
    lift = Category.objects.get(code="S0103")
    case_report(actor=world.community_staff, category=lift, description="电梯故障",
                source="walk_in", grid=world.grid, address="幸福小区3号楼")
    # Not a property category: not stored against the estate.
    case_report(actor=world.community_staff, category=world.category, description="路灯",
                source="walk_in", grid=world.grid, address="幸福小区门口")
    assert services.link_property_cases() == 1
    assert services.link_property_cases() == 0  # once
    client.force_login(world.community_staff)
    html = client.get(f"/property/estates/{mine.pk}/").content.decode()
    assert "小区相关事件" in html and lift.name in html and world.category.name not in html
    rows = client.get("/api/property/estates/").json()
    assert [row["name"] for row in rows] == ["幸福小区"]
    client.force_login(world.grid_worker)
    assert client.get("/api/property/estates/").status_code == 403
