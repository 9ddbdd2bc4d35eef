"""Credit ratings (bands on the 100-point scale), consent, the proposal rules for credit
villages and towns (the system proposes, a person confirms), and the nightly deletion."""

from datetime import date
from decimal import Decimal

import pytest

from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.finance import selectors
from wangge.finance.credit import band_for, model_in_force, town_figures, village_figures
from wangge.finance.models import (
    AdverseRecord,
    CreditDesignation,
    CreditRules,
    FiveClass,
    GradeBand,
    Loan,
    LoanBalance,
    Rating,
)
from wangge.finance.services_credit import (
    consent_record,
    consent_withdraw,
    designation_confirm,
    rating_save,
)
from wangge.finance.tasks import adverse_records_expire


def _rate(fw, household, score, year=2026, actor=None):
    if not selectors.consented_households(fw.officer).filter(household=household).exists():
        consent_record(actor=actor or fw.assistant, household_id=household.pk, given_on=date(2026, 3, 1),
                       evidence="授权书 2026-001")
    model = model_in_force()
    scores = {str(c.pk): score for c in model.criteria.all()}
    return rating_save(actor=actor or fw.assistant, household_id=household.pk, year=year, scores=scores,
                       evidence="村评议会议纪要", group="村书记、村主任、金融助理员")


@pytest.mark.parametrize(("score", "grade", "worthy"), [
    (100, "AAA", True), (80, "AAA", True), (79.9, "AA", True), (70, "AA", True), (69, "A", True),
    (60, "A", True), (59.9, "B", False), (0, "B", False),
])
def test_grade_bands(db, score, grade, worthy):
    band = band_for(Decimal(str(score)), list(GradeBand.objects.filter(model=model_in_force())))
    assert (band.grade, band.creditworthy) == (grade, worthy)


def test_weighted_total_and_yearly_rerating(fw):
    model = model_in_force()
    assert sum(c.weight for c in model.criteria.all()) == 100
    household = fw.households[0]
    consent_record(actor=fw.assistant, household_id=household.pk, given_on=date(2026, 3, 1), evidence="授权书")
    criteria = list(model.criteria.all())
    scores = {str(criteria[0].pk): 100, **{str(c.pk): 50 for c in criteria[1:]}}  # 25·100 + 75·50 → 62.5
    rating = rating_save(actor=fw.assistant, household_id=household.pk, year=2026, scores=scores,
                         evidence="纪要", group="评议小组")
    assert rating.total == Decimal("62.5") and rating.grade == "A" and rating.creditworthy
    _rate(fw, household, 85, year=2025)
    again = _rate(fw, household, 90)
    assert again.pk == rating.pk and again.grade == "AAA"
    assert Rating.objects.filter(household=household).count() == 2  # one a year
    with pytest.raises(ApplicationError) as exc:
        _rate(fw, household, 90, year=2024)
    assert exc.value.field == "year"
    with pytest.raises(ApplicationError) as exc:
        rating_save(actor=fw.assistant, household_id=household.pk, year=2026, scores={}, evidence="x", group="y")
    assert exc.value.field.startswith("c")


def test_no_rating_without_consent_and_withdrawal_deletes(fw):
    household = fw.households[0]
    with pytest.raises(ApplicationError) as exc:
        rating_save(actor=fw.assistant, household_id=household.pk, year=2026, scores={}, evidence="x", group="y")
    assert exc.value.field == "household"
    _rate(fw, household, 90)
    AdverseRecord.objects.create(household=household, kind="arrears", started_on=date(2025, 1, 1),
                                 area_path=household.area_path)
    assert consent_withdraw(actor=fw.assistant, household_id=household.pk) == 2
    assert not Rating.objects.exists() and not AdverseRecord.objects.exists()


def test_credit_scores_only_for_finance_roles_in_scope(fw):
    _rate(fw, fw.households[0], 90)
    assert selectors.ratings_visible_to(fw.assistant).count() == 1
    assert selectors.ratings_visible_to(fw.officer).count() == 1
    assert not selectors.ratings_visible_to(fw.other_assistant).exists()
    assert not selectors.ratings_visible_to(fw.w.grid_worker).exists()
    assert not selectors.ratings_visible_to(fw.w.community_staff).exists()
    with pytest.raises(NotFoundOrForbidden):
        _rate(fw, fw.other_household, 90)


def test_village_proposed_when_enough_households_rated(fw):
    year = 2026
    for household in fw.households[:6]:
        _rate(fw, household, 75)
    (figures,) = village_figures([fw.village], year)
    assert figures.households == 10 and figures.rated_share == 60.0 and not figures.meets
    with pytest.raises(ApplicationError):
        designation_confirm(actor=fw.officer, area_id=fw.village.pk, year=year)
    _rate(fw, fw.households[6], 61)
    (figures,) = village_figures([fw.village], year)
    assert figures.rated_share == 70.0 and figures.meets and not figures.confirmed
    assert not CreditDesignation.objects.exists()  # the system proposes, never decides
    with pytest.raises(ApplicationError):  # an assistant may not confirm
        designation_confirm(actor=fw.assistant, area_id=fw.village.pk, year=year)
    designation_confirm(actor=fw.officer, area_id=fw.village.pk, year=year)
    (figures,) = village_figures([fw.village], year)
    assert figures.confirmed


def _loan(fw, household, contract, balance, overdue=0, five=FiveClass.NORMAL):
    loan = Loan.objects.create(institution=fw.bank, contract=contract, village=fw.village, household=household,
                               amount=Decimal("10"), granted_on=date(2026, 1, 5), area_path=household.area_path)
    LoanBalance.objects.create(loan=loan, period=date(2026, 5, 1), balance=Decimal(balance), overdue_days=overdue,
                               five_class=five, area_path=household.area_path)


def test_arrears_and_bad_loans_block_the_proposal(fw):
    for household in fw.households[:8]:
        _rate(fw, household, 75)
    for k, household in enumerate(fw.households[:7]):
        _loan(fw, household, f"C{k}", "10")
    _loan(fw, fw.households[7], "C7", "10", overdue=40)  # 7 of 8 borrowers clean: 87.5 %
    (figures,) = village_figures([fw.village], 2026)
    assert figures.clean_share == 87.5 and figures.bad_ratio == 0 and figures.meets
    _loan(fw, fw.households[8], "C8", "10", overdue=100, five=FiveClass.SUBSTANDARD)  # 7/9 clean; bad 10/90
    (figures,) = village_figures([fw.village], 2026)
    assert figures.clean_share == 77.8 and figures.bad_ratio == 11.11 and not figures.meets
    CreditRules.objects.create(no_arrears_share=70, bad_loan_ratio=Decimal("12"))  # configurable
    (figures,) = village_figures([fw.village], 2026)
    assert figures.meets


def test_town_proposed_when_half_its_villages_are_credit_villages(fw):
    for household in fw.households[:7]:
        _rate(fw, household, 75)
    (town,) = town_figures([fw.town], 2026)
    assert town.villages == 2 and town.credit_villages == 0 and not town.meets
    designation_confirm(actor=fw.officer, area_id=fw.village.pk, year=2026)
    (town,) = town_figures([fw.town], 2026)
    assert town.share == 50.0 and town.meets
    designation_confirm(actor=fw.officer, area_id=fw.town.pk, year=2026)
    assert CreditDesignation.objects.filter(level="town").count() == 1


def test_adverse_records_deleted_five_years_after_they_end(fw, frozen):
    household = fw.households[0]
    _rate(fw, household, 75)
    AdverseRecord.objects.bulk_create([
        AdverseRecord(household=household, kind="arrears", started_on=date(2020, 1, 1), ended_on=date(2021, 6, 14),
                      area_path=household.area_path),
        AdverseRecord(household=household, kind="arrears", started_on=date(2020, 1, 1), ended_on=date(2021, 6, 15),
                      area_path=household.area_path),
        AdverseRecord(household=household, kind="bad", started_on=date(2019, 1, 1), area_path=household.area_path),
    ])
    assert adverse_records_expire() == 1  # today 2026-06-15: ended before 2021-06-15
    assert AdverseRecord.objects.count() == 2
    # Rows of a household whose consent is gone are removed too.
    from wangge.finance.models import Consent

    Consent.objects.update(withdrawn_on=date(2026, 6, 1))
    adverse_records_expire()
    assert not AdverseRecord.objects.exists() and not Rating.objects.exists()
