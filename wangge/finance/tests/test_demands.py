"""The demand list: collected → matched → granted / declined, scope of reads and writes."""

from datetime import date
from decimal import Decimal

import pytest

from wangge.audit.models import AuditEvent
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.finance import selectors
from wangge.finance.models import Demand, DemandStatus, Loan, Purpose
from wangge.finance.services_demand import (
    demand_collect,
    demand_decline,
    demand_grant,
    demand_match,
)


def _collect(fw, household=None, **kw):
    household = household or fw.households[0]
    args = {"purpose": Purpose.HERDING, "amount": "8", "term_months": 24, "guarantee": "credit"} | kw
    return demand_collect(actor=fw.assistant, village_id=fw.village.pk, household_id=household.pk, **args)


def test_need_goes_collected_matched_granted(fw):
    demand = _collect(fw)
    assert demand.status == DemandStatus.COLLECTED
    assert list(selectors.unmatched_demands(fw.assistant)) == [demand]
    demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.product.pk)
    assert not selectors.unmatched_demands(fw.assistant).exists()
    loan = demand_grant(actor=fw.assistant, demand_id=demand.pk, amount="8", granted_on=date(2026, 6, 1),
                        contract="HT-1")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.GRANTED
    assert loan.institution == fw.bank and loan.amount == Decimal("8.00") and loan.area_path == demand.area_path
    assert AuditEvent.objects.filter(action__startswith="finance_demand_").count() == 3


def test_decline_needs_a_reason_and_closes_the_need(fw):
    demand = _collect(fw)
    with pytest.raises(ApplicationError) as exc:
        demand_decline(actor=fw.assistant, demand_id=demand.pk, reason=" ")
    assert exc.value.field == "reason"
    demand_decline(actor=fw.assistant, demand_id=demand.pk, reason="有未结清的逾期贷款")
    with pytest.raises(ApplicationError):
        demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.product.pk)


def test_match_checks_ceiling_applicant_and_credit(fw):
    demand = _collect(fw, amount="50")
    with pytest.raises(ApplicationError) as exc:
        demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.product.pk)
    assert exc.value.field == "amount"
    with pytest.raises(ApplicationError) as exc:
        demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.collective_product.pk)
    assert exc.value.field == "product"
    small = _collect(fw, amount="5", term_months=12)
    with pytest.raises(ApplicationError) as exc:  # not rated creditworthy
        demand_match(actor=fw.assistant, demand_id=small.pk, product_id=fw.credit_product.pk)
    assert "信用户" in exc.value.message


def test_village_collective_need(fw):
    demand = demand_collect(actor=fw.assistant, village_id=fw.village.pk, purpose=Purpose.COLLECTIVE,
                            amount="200", term_months=60)
    assert demand.collective and demand.area_path == fw.village.path
    demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.collective_product.pk)


def test_field_errors(fw):
    with pytest.raises(ApplicationError) as exc:
        _collect(fw, amount="abc")
    assert exc.value.field == "amount"
    with pytest.raises(ApplicationError) as exc:
        _collect(fw, term_months=0)
    assert exc.value.field == "term_months"
    with pytest.raises(ApplicationError) as exc:
        _collect(fw, purpose="x")
    assert exc.value.field == "purpose"


def test_assistant_reads_and_writes_only_their_villages(fw):
    mine = _collect(fw)
    theirs = demand_collect(actor=fw.other_assistant, village_id=fw.other_village.pk,
                            household_id=fw.other_household.pk, purpose=Purpose.PLANTING, amount="3", term_months=12)
    assert list(selectors.demands_visible_to(fw.assistant)) == [mine]
    assert set(selectors.demands_visible_to(fw.officer)) == {mine, theirs}  # the town's office
    with pytest.raises(NotFoundOrForbidden):
        demand_match(actor=fw.assistant, demand_id=theirs.pk, product_id=fw.product.pk)
    with pytest.raises(NotFoundOrForbidden):
        demand_collect(actor=fw.assistant, village_id=fw.other_village.pk, purpose=Purpose.PLANTING,
                       amount="3", term_months=12)
    with pytest.raises(ApplicationError) as exc:  # another village's household
        demand_collect(actor=fw.assistant, village_id=fw.village.pk, household_id=fw.other_household.pk,
                       purpose=Purpose.PLANTING, amount="3", term_months=12)
    assert exc.value.field == "household"
    theirs.refresh_from_db()
    assert theirs.status == DemandStatus.COLLECTED and Demand.objects.count() == 2
    with pytest.raises(NotFoundOrForbidden):  # a grid worker has no finance scope
        demand_collect(actor=fw.w.grid_worker, village_id=fw.village.pk, purpose=Purpose.PLANTING,
                       amount="3", term_months=12)
    assert not Loan.objects.exists()


def test_a_visit_raises_a_finance_need(fw):
    from wangge.patrols.models import GridAssignment, VisitMode, VisitNeed, VisitOutcome
    from wangge.patrols.services import visit_record

    GridAssignment.objects.create(worker=fw.w.grid_worker, grid=fw.w.grid, area_path=fw.w.grid.path,
                                  since=date(2026, 1, 1))
    visit_record(actor=fw.w.grid_worker, household_id=fw.households[1].pk, mode=VisitMode.IN_PERSON,
                 outcome=VisitOutcome.NEEDS, needs=[{"kind": "finance", "description": "想贷款买20只基础母羊"}])
    demand = Demand.objects.get()
    assert demand.source == "visit" and demand.household == fw.households[1] and demand.village == fw.village
    assert demand.purpose == "" and not VisitNeed.objects.exists()  # no case opened
    assert list(selectors.unmatched_demands(fw.assistant)) == [demand]
    assert not selectors.unmatched_demands(fw.other_assistant).exists()
    with pytest.raises(ApplicationError) as exc:  # the assistant checks the purpose when matching
        demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.product.pk, amount="5")
    assert exc.value.field == "purpose"
    demand_match(actor=fw.assistant, demand_id=demand.pk, product_id=fw.product.pk, amount="5",
                 purpose=Purpose.HERDING, term_months=24)
