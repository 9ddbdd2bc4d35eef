"""Who hears about what (wangge.cases.notices): recipients from the case's units, never
anyone out of scope; idempotent scans; texts to residents; deadlines once."""

from datetime import timedelta

import pytest

from wangge.cases.models import CaseEvent
from wangge.cases.notices import case_event_notify, notices_for_deadlines, notices_from_case_events
from wangge.cases.services import case_transition
from wangge.cases.tests.factories import CaseFactory
from wangge.core import clock
from wangge.notifications.models import Delivery, Notice, ScanCursor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _console(settings):
    settings.WANGGE_NOTIFY_CONSOLE = True


def _kinds(user) -> list[tuple[str, str]]:
    return sorted(Notice.objects.filter(recipient=user).values_list("kind", "title"))


def test_dispatch_tells_the_handler_and_nobody_out_of_scope(world):
    # given a case reported, accepted and dispatched to the world's department
    case = CaseFactory.dispatched(world)
    # when the scanner reads the timeline
    notices_from_case_events()
    # then the department's handler has the dispatch and the community its new case
    assert _kinds(world.handler) == [("dispatch", f"案件 {case.number} 已派遣给您单位，请签收")]
    # and the community (who dispatched it themselves) only its report
    assert _kinds(world.community_staff) == [("new_case", f"新案件 {case.number} 待受理")]
    # and people of another department or community hear nothing
    for outsider in (world.other_handler, world.other_community_staff, world.resident):
        assert not Notice.objects.filter(recipient=outsider).exists()


def test_new_case_goes_to_the_dispatching_community(world):
    case = CaseFactory.reported(world)
    notices_from_case_events()
    assert _kinds(world.community_staff) == [("new_case", f"新案件 {case.number} 待受理")]
    assert not Notice.objects.filter(recipient=world.other_community_staff).exists()


def test_rescans_and_the_listener_never_double(world):
    case = CaseFactory.dispatched(world)
    dispatch = CaseEvent.objects.get(case=case, action="dispatch")
    # the listener runs on commit, then the scanner reads the same events twice
    assert case_event_notify(dispatch.pk) == 1
    assert case_event_notify(dispatch.pk) == 0
    first = notices_from_case_events()
    assert notices_from_case_events() == 0
    ScanCursor.objects.update(position=0)  # even a cursor set back writes nothing again
    assert notices_from_case_events() == 0
    assert first == 1  # the report's notice to the dispatcher; the dispatch was written
    assert Notice.objects.filter(recipient=world.handler, kind="dispatch").count() == 1


def test_supervision_reaches_handlers_and_dispatchers(world):
    case = CaseFactory.in_progress(world)
    notices_from_case_events()
    case_transition(actor=world.district_officer, case_id=case.pk, action="supervise", note="尽快")
    notices_from_case_events()
    assert ("supervise", f"案件 {case.number} 被督办") in _kinds(world.handler)
    assert ("supervise", f"案件 {case.number} 被督办") in _kinds(world.community_staff)
    assert not Notice.objects.filter(recipient=world.other_handler).exists()


def test_summons_reaches_the_summoned_department_only(world):
    from wangge.cases.services import summons_issue

    case = CaseFactory.in_progress(world)
    summons_issue(actor=world.street_staff, case_id=case.pk, departments=[world.other_department])
    notices_from_case_events()
    assert _kinds(world.other_handler) == [("summons", f"街道吹哨：请到案件 {case.number} 报到")]


def test_a_resident_with_a_phone_gets_three_texts(world):
    # given a public report with a phone number
    case = CaseFactory.reported(world, reporter_name="王女士", reporter_phone="13912345678")
    for action, actor, params in [
        ("accept", "community_staff", {}),
        ("dispatch", "community_staff", {}),
        ("sign", "handler", {}),
        ("resolve", "handler", {"result": "已更换灯泡"}),
        ("verify", "grid_worker", {"passed": True}),
    ]:
        case_transition(actor=world.user(actor), case_id=case.pk, action=action, **params)
    # when the timeline is scanned
    notices_from_case_events()
    # then the resident got: accepted, resolved, and asked for a rating
    texts = Notice.objects.filter(recipient__isnull=True).order_by("pk")
    assert [n.title for n in texts] == [
        f"您反映的问题（编号 {case.number}）已受理，我们将尽快处理。",
        f"您反映的问题（编号 {case.number}）已办结：已更换灯泡",
        f"您反映的问题（编号 {case.number}）已处理完毕，请对办理结果进行评价。",
    ]
    deliveries = Delivery.objects.filter(notice__in=texts)
    assert {(d.channel, d.address) for d in deliveries} == {("sms", "13912345678")}
    assert deliveries.count() == 3


def test_an_anonymous_report_gets_no_text(world):
    case = CaseFactory.reported(world, anonymous=True, reporter_phone="13912345678")
    case_transition(actor=world.community_staff, case_id=case.pk, action="accept")
    notices_from_case_events()
    assert not Notice.objects.filter(recipient__isnull=True).exists()


def test_deadlines_approaching_and_passed_are_told_once(world, monkeypatch):
    case = CaseFactory.dispatched(world)
    notices_from_case_events()
    # two hours before the signing deadline: "approaching", once
    soon = case.sign_due_at - timedelta(minutes=60)
    assert notices_for_deadlines(now=soon) == 1
    assert notices_for_deadlines(now=soon + timedelta(minutes=5)) == 0
    # after it: "passed", to the handler and the dispatcher, once
    late = case.sign_due_at + timedelta(minutes=1)
    notices_for_deadlines(now=late)
    assert notices_for_deadlines(now=late + timedelta(minutes=30)) == 0
    assert [k for k, _ in _kinds(world.handler)] == ["deadline_passed", "deadline_soon", "dispatch"]
    assert [k for k, _ in _kinds(world.community_staff)] == ["deadline_passed", "new_case"]
    assert not Notice.objects.filter(recipient=world.other_handler).exists()


def test_a_signed_case_has_no_signing_deadline_notice(world):
    case = CaseFactory.in_progress(world)
    notices_for_deadlines(now=case.sign_due_at + timedelta(minutes=1))
    assert not Notice.objects.filter(kind__startswith="deadline").exists()


def test_old_events_are_not_told(world, monkeypatch):
    CaseFactory.dispatched(world)
    moment = clock.now() + timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert notices_from_case_events() == 0
    assert not Notice.objects.exists()


def test_the_scan_command_catches_up(world, capsys):
    from django.core.management import call_command

    CaseFactory.dispatched(world)
    call_command("notices_scan")
    assert "通知：事件 2 条" in capsys.readouterr().out
    assert Notice.objects.filter(recipient=world.handler, kind="dispatch").count() == 1


def test_a_scan_after_the_first_reads_only_what_can_have_changed(world):
    from wangge.cases.models import Case
    from wangge.cases.notices import deadline_drafts

    old = CaseFactory.dispatched(world)
    fresh = CaseFactory.dispatched(world)
    now = old.sign_due_at + timedelta(hours=3)
    # the old case's deadline passed two hours before the previous scan; the fresh one's
    # comes due after it
    Case.objects.filter(pk=fresh.pk).update(sign_due_at=now - timedelta(minutes=20),
                                            updated_at=now - timedelta(days=1))
    Case.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=1))
    since = now - timedelta(hours=1)
    subjects = {d.subject for d in deadline_drafts(now, since)}
    assert subjects == {f"cases.case:{fresh.pk}"}
    assert {f"cases.case:{old.pk}", f"cases.case:{fresh.pk}"} <= {d.subject for d in deadline_drafts(now)}
    # a case that changed since (dispatched again, resumed) is read again
    Case.objects.filter(pk=old.pk).update(updated_at=now - timedelta(minutes=5))
    assert f"cases.case:{old.pk}" in {d.subject for d in deadline_drafts(now, since)}


def test_the_deadline_scan_keeps_its_time_and_starts_over_when_the_clock_goes_back(world):
    case = CaseFactory.dispatched(world)
    late = case.sign_due_at + timedelta(minutes=1)
    assert notices_for_deadlines(now=late) >= 2  # passed: the handler and the dispatcher
    cursor = ScanCursor.objects.get(name="deadlines:cases")
    assert cursor.position == int(late.timestamp())
    assert notices_for_deadlines(now=late + timedelta(minutes=5)) == 0
    # an earlier clock (a restored database, a test): the full look-back, nothing lost
    Notice.objects.filter(kind__startswith="deadline").delete()
    assert notices_for_deadlines(now=case.sign_due_at - timedelta(minutes=60)) == 1
    assert ScanCursor.objects.get(name="deadlines:cases").position == int(
        (case.sign_due_at - timedelta(minutes=60)).timestamp())
