"""吹哨报到 and the reporter's verdict."""

from datetime import datetime, timedelta

import pytest

from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, CaseEvent, Evaluation, Status, SummonsResponse
from wangge.cases.services import (
    case_evaluate,
    case_transition,
    cases_close_after_followup,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.testing.cases import CaseFactory

TZ = clock.LOCAL_TZ


def test_urgent_summons_must_check_in_within_30_minutes(world, frozen):
    # given
    frozen(datetime(2025, 10, 2, 20, tzinfo=TZ))
    case = CaseFactory.dispatched(world)
    # when
    summons = summons_issue(
        actor=world.street_staff,
        case_id=case.pk,
        urgent=True,
        departments=[world.department.pk, world.other_department.pk],
        reason="多部门联合处置",
    )
    # then
    responses = list(summons.responses.order_by("department__code"))
    assert [r.department for r in responses] == [world.department, world.other_department]
    assert {r.due_at for r in responses} == {datetime(2025, 10, 2, 20, 30, tzinfo=TZ)}
    assert summons.street == world.street
    event = case.events.order_by("-id").first()
    assert (event.action, event.data["urgent"]) == ("summon", True)


def test_ordinary_summons_due_end_of_next_working_day(world, frozen):
    # given Friday 26 Sep 2025; Sunday 28 Sep is an adjusted working day
    frozen(datetime(2025, 9, 26, 15, tzinfo=TZ))
    case = CaseFactory.dispatched(world)
    # when
    summons = summons_issue(
        actor=world.street_staff, case_id=case.pk, departments=[world.other_department]
    )
    # then
    assert summons.responses.get().due_at == datetime(2025, 9, 29, 0, tzinfo=TZ)


def test_only_the_street_summons(world):
    # given
    case = CaseFactory.dispatched(world)
    audit_before = AuditEvent.objects.count()
    # when / then
    with pytest.raises(PermissionRefused):
        summons_issue(
            actor=world.community_staff, case_id=case.pk, departments=[world.other_department]
        )
    with pytest.raises(NotFoundOrForbidden):
        summons_issue(
            actor=world.other_handler, case_id=case.pk, departments=[world.other_department]
        )
    assert SummonsResponse.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_check_in_and_rating(world, frozen):
    # given
    frozen(datetime(2025, 10, 2, 20, tzinfo=TZ))
    case = CaseFactory.dispatched(world)
    summons = summons_issue(
        actor=world.street_staff, case_id=case.pk, urgent=True, departments=[world.other_department]
    )
    response = summons.responses.get()
    # when: the summoned department sees the case and checks in late
    frozen(datetime(2025, 10, 2, 20, 45, tzinfo=TZ))
    with pytest.raises(NotFoundOrForbidden):
        summons_check_in(actor=world.handler, response_id=response.pk)
    response = summons_check_in(actor=world.other_handler, response_id=response.pk)
    rated = summons_rate(
        actor=world.street_staff, response_id=response.pk, rating=3, note="迟到 15 分钟"
    )
    # then
    assert response.checked_in_by == world.other_handler
    assert CaseEvent.objects.get(case=case, action="check_in").data["on_time"] is False
    assert (rated.rating, rated.rating_note) == (3, "迟到 15 分钟")
    with pytest.raises(ApplicationError) as raised:
        summons_check_in(actor=world.other_handler, response_id=response.pk)
    assert raised.value.code == "conflict"
    with pytest.raises(NotFoundOrForbidden):
        summons_rate(actor=world.community_staff, response_id=response.pk, rating=5)
    with pytest.raises(ApplicationError):
        summons_rate(actor=world.street_staff, response_id=response.pk, rating=6)


def test_satisfied_reporter_closes_the_verified_case(world):
    # given
    case = CaseFactory.verified(world)
    # when
    case = case_evaluate(token=case.token, rating="satisfied", comment="谢谢")
    # then
    assert case.status == Status.CLOSED
    assert [e.action for e in case.events.order_by("id")][-2:] == ["evaluate", "close"]


def test_rating_before_verification_closes_at_verification(world):
    # given
    case = CaseFactory.resolved(world)
    case_evaluate(token=case.token, rating="basic")
    # when
    case = case_transition(actor=world.grid_worker, case_id=case.pk, action="verify", passed=True)
    # then
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_unsatisfied_reporter_reopens_within_the_window(world, frozen):
    # given
    case = CaseFactory.closed(world)
    later = clock.now() + timedelta(days=3)
    frozen(later)
    # when
    case = case_evaluate(token=case.token, rating="unsatisfied", comment="灯又坏了")
    # then
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.reopen_count) == (Status.DISPATCHED, 1)
    assert stored.handler_department == world.department
    assert (stored.signed_at, stored.resolved_at, stored.closed_at) == (None, None, None)
    assert stored.sign_due_at > later
    assert Evaluation.objects.get(case=case).rating == "unsatisfied"


def test_one_rating_per_resolution_and_not_after_the_window(world, frozen, settings):
    # given
    settings.WANGGE_CASE_FOLLOWUP_DAYS = 15
    case = CaseFactory.resolved(world)
    case_evaluate(token=case.token, rating="basic")
    # when / then
    with pytest.raises(ApplicationError) as raised:
        case_evaluate(token=case.token, rating="satisfied")
    assert raised.value.code == "conflict"
    late = CaseFactory.resolved(world)
    frozen(late.resolved_at + timedelta(days=16))
    with pytest.raises(ApplicationError):
        case_evaluate(token=late.token, rating="unsatisfied")
    assert Case.objects.get(pk=late.pk).status == Status.RESOLVED


def test_cannot_rate_before_resolution_or_with_a_wrong_token(world):
    # given
    case = CaseFactory.dispatched(world)
    # when / then
    with pytest.raises(ApplicationError):
        case_evaluate(token=case.token, rating="satisfied")
    with pytest.raises(NotFoundOrForbidden):
        case_evaluate(token="guess", rating="satisfied")
    assert Evaluation.objects.count() == 0


def test_follow_up_window_closes_verified_cases(world, frozen):
    # given
    case = CaseFactory.verified(world)
    # when
    closed = cases_close_after_followup(now=case.resolved_at + timedelta(days=16))
    # then
    assert closed == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == Status.CLOSED
    assert stored.events.order_by("-id").first().note == "回访期满，自动结案"
