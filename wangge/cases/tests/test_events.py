"""The timeline writer: one event and one audit row per change, and listeners told after
commit (never for a rolled-back change)."""

import pytest
from django.db import transaction

from wangge.audit.models import AuditEvent
from wangge.cases.events import (
    case_event_listeners,
    case_event_write,
    case_events_collected,
    register_case_event_listener,
    unregister_case_event_listener,
)
from wangge.cases.models import CaseEvent, Status
from wangge.cases.services import case_transition
from wangge.cases.tests.factories import CaseFactory
from wangge.cases.tests.test_api import client_for, post, report_body
from wangge.core import clock
from wangge.core.errors import PermissionRefused
from wangge.core.inserts import deferred_rows, insert_rows


@pytest.fixture
def heard():
    """A listener that records the event ids it is told about."""
    ids: list[int] = []

    def listener(event_id: int) -> None:
        ids.append(event_id)

    register_case_event_listener(listener)
    yield ids
    unregister_case_event_listener(listener)
    assert listener not in case_event_listeners()


def test_transition_writes_event_and_audit_and_tells_listener_after_commit(
    world, heard, django_capture_on_commit_callbacks
):
    # given a reported case
    case = CaseFactory.reported(world)
    audits = AuditEvent.objects.filter(action="case_accept").count()
    # when the community accepts it, and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_transition(actor=world.community_staff, case_id=case.pk, action="accept")
        assert heard == []  # nothing before the commit
    # then
    event = CaseEvent.objects.get(case=case, action="accept")
    assert (event.from_status, event.to_status) == (Status.REPORTED, Status.ACCEPTED)
    assert event.actor == world.community_staff
    assert AuditEvent.objects.filter(action="case_accept").count() == audits + 1
    assert AuditEvent.objects.get(action="case_accept").detail == {
        "number": case.number,
        "from": Status.REPORTED,
        "to": Status.ACCEPTED,
    }
    assert len(callbacks) == 1
    assert heard == [event.pk]


def test_registering_twice_tells_the_listener_once(world, heard, django_capture_on_commit_callbacks):
    # given the same listener registered a second time
    (listener,) = [fn for fn in case_event_listeners() if fn.__name__ == "listener"]
    register_case_event_listener(listener)
    # when a report opens a case
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory.reported(world)
    # then
    assert heard == [CaseEvent.objects.get(case=case, action="report").pk]


def test_rolled_back_event_is_neither_stored_nor_told(
    world, heard, django_capture_on_commit_callbacks
):
    # given
    case = CaseFactory.reported(world)
    before = CaseEvent.objects.count(), AuditEvent.objects.count()
    # when the event's transaction fails
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_event_write(case=case, action="supervise", at=clock.now(), note="催办")
        raise RuntimeError("later step failed")
    # then
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == before
    assert callbacks == [] and heard == []


def test_denied_transition_tells_nobody(world, heard, django_capture_on_commit_callbacks):
    # given a case a grid worker may not accept
    case = CaseFactory.reported(world)
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionRefused):
        case_transition(actor=world.grid_worker, case_id=case.pk, action="accept")
    # then
    assert not CaseEvent.objects.filter(case=case, action="accept").exists()
    assert heard == []


def test_deferred_event_is_told_once_the_caller_wrote_it(
    world, heard, django_capture_on_commit_callbacks
):
    # given a case, and rows collected for one statement (as intake does on PostgreSQL)
    case = CaseFactory.reported(world)
    with django_capture_on_commit_callbacks(execute=True), case_events_collected():
        with deferred_rows() as rows:
            event = case_event_write(case=case, action="supervise", at=clock.now())
        # then nothing is written or told before the caller writes the rows
        assert event.pk is None and heard == []
        insert_rows(*rows)
    # and once written, the listener hears about it
    assert CaseEvent.objects.filter(pk=event.pk, action="supervise").exists()
    assert heard == [event.pk]


def test_deferred_event_without_a_collector_is_refused_when_someone_listens(world, heard):
    # given
    case = CaseFactory.reported(world)
    # when / then: the listener would be told before the row exists
    with pytest.raises(RuntimeError), deferred_rows() as rows:
        case_event_write(case=case, action="supervise", at=clock.now())
    assert not CaseEvent.objects.filter(case=case, action="supervise").exists()
    assert len(rows) == 2  # collected, never written


def test_api_report_tells_listener_about_the_report_event(
    world, heard, django_capture_on_commit_callbacks
):
    # given a grid worker on the API
    client = client_for(world.grid_worker)
    # when a report comes in with an idempotency key (one statement on PostgreSQL)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/cases", report_body(world), key="listener")
    # then
    assert response.status_code == 201
    event = CaseEvent.objects.get(case_id=response.json()["id"], action="report")
    assert heard == [event.pk]
