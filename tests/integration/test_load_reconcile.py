"""bench/reconcile.py: the checks the load and fault runs rely on, against the test database.

Writes go through the real API (idempotent reports, actions); the client log rows are
made by hand, as the load client writes them; then the database is tampered with the way
a bug would (a second case for one report, an event out of order, a missing audit row)."""

import json
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, CaseEvent
from wangge.testing.cases import grid_point
from wangge.testing.worlds import build_world

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.reconcile import reconcile  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return build_world(city)


def _report(world, marker: str, key: str):
    client = Client()
    client.force_login(world.grid_worker)
    lat, lng = grid_point(world.grid)
    body = {"category_id": world.category.pk, "description": f"路灯不亮 {marker}",
            "lat": lat, "lng": lng, "source": "grid_worker"}
    return client.post("/api/cases", json.dumps(body), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key)


def _row(world, marker: str, key: str, *, acked: bool, replay=None) -> dict:
    return {"t": time.time(), "kind": "case_report", "role": "grid_worker",
            "user": world.grid_worker.username, "user_id": world.grid_worker.pk,
            "key": key, "marker": marker, "attempts": [201] if acked else [0],
            "acked": acked, "refused": False, "replay": replay}


def test_acknowledged_reports_found_once_pass(world):
    first = _report(world, "LTaaaa", "k-1")
    again = _report(world, "LTaaaa", "k-1")  # the resend: replayed, no second case
    assert first.status_code == again.status_code == 201
    rows = [_row(world, "LTaaaa", "k-1", acked=True,
                 replay={"status": 201, "same": first.json() == again.json()})]

    report = reconcile(rows)

    assert report.ok, report.summary()
    assert (report.acked, report.cases_checked) == (1, 1)


def test_acknowledged_write_found_twice_fails(world):
    _report(world, "LTbbbb", "k-2")
    _report(world, "LTbbbb", "k-3")  # a second case for the same record: a lost idempotency

    report = reconcile([_row(world, "LTbbbb", "k-2", acked=True)])

    assert not report.ok
    assert any("acknowledged but found 2 times" in f for f in report.failures)


def test_acknowledged_write_missing_fails(world):
    report = reconcile([_row(world, "LTcccc", "k-4", acked=True)])

    assert any("found 0 times" in f for f in report.failures)
    assert any("0 idempotency records" in f for f in report.failures)


def test_unacknowledged_write_may_exist_once_but_not_twice(world):
    _report(world, "LTdddd", "k-5")  # done, but the answer was lost: allowed
    assert reconcile([_row(world, "LTdddd", "k-5", acked=False)]).ok
    _report(world, "LTdddd", "k-6")

    report = reconcile([_row(world, "LTdddd", "k-5", acked=False)])

    assert any("not acknowledged but found 2 times" in f for f in report.failures)


def test_resend_with_a_different_answer_fails(world):
    _report(world, "LTeeee", "k-7")

    report = reconcile([_row(world, "LTeeee", "k-7", acked=True,
                             replay={"status": 201, "same": False})])

    assert any("resend answered 201, a different answer" in f for f in report.failures)


def test_broken_timeline_fails(world):
    _report(world, "LTffff", "k-8")
    case = Case.objects.get(description__contains="LTffff")
    first = case.events.get()
    # a status change that does not start where the report ended
    CaseEvent.objects.create(case=case, at=first.at, action="sign", from_status="dispatched",
                             to_status="in_progress")

    report = reconcile([_row(world, "LTffff", "k-8", acked=True)])

    failures = "\n".join(report.failures)
    assert "sign starts at 'dispatched', the previous event ended at 'reported'" in failures
    assert "last event ends at 'in_progress', the case is 'reported'" in failures
    assert "no audit row" not in failures


def test_case_without_audit_row_fails(world):
    _report(world, "LTgggg", "k-9")
    case = Case.objects.get(description__contains="LTgggg")
    # the audit log is append-only: a case written behind the services' back has no row
    copy = Case.objects.get(pk=case.pk)
    copy.pk, copy.number, copy.token = None, case.number + "9", case.token + "x"
    copy.description = "路灯不亮 LThhhh"
    copy.save()
    CaseEvent.objects.create(case=copy, at=copy.created_at, action="report", from_status="",
                             to_status="reported")
    assert not AuditEvent.objects.filter(object_type="cases.case", object_id=str(copy.pk)).exists()

    report = reconcile([_row(world, "LTgggg", "k-9", acked=True)])

    assert [f for f in report.failures if "no audit row" in f] == [f"case {copy.number}: no audit row"]


def _import_through_the_page(world, marker: str):
    """The load client's import: the page, the preview, the confirmation (same helpers)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.loadhelpers import hidden_value, resident_workbook, select_values

    client = Client()
    client.force_login(world.community_staff)
    page = client.get("/people/import/?kind=residents").content.decode()
    grids = select_values(page, "default_grid")
    assert world.grid.code in grids and world.other_grid.code not in grids
    fields = {"kind": "residents", "mode": "valid_rows", "default_grid": world.grid.code}
    upload = SimpleUploadedFile("居民.xlsx", resident_workbook(marker))
    preview = client.post("/people/import/", {**fields, "file": upload}).content.decode()
    token = hidden_value(preview, "token")
    assert token
    return client, {**fields, "token": token}


def _import_row(marker: str, *, acked: bool) -> dict:
    return {"t": time.time(), "kind": "import", "role": "community_staff", "user": "cs",
            "user_id": None, "key": "", "marker": marker, "attempts": [200] if acked else [0],
            "acked": acked, "refused": False, "replay": None}


def test_an_import_lands_whole_and_once(world):
    from bench.loadhelpers import IMPORT_ROWS
    from wangge.people.models import Resident

    client, confirm = _import_through_the_page(world, "LTimp1")
    assert client.post("/people/import/", confirm).status_code == 200
    # the confirmation sent again (an answer lost on the way): refused, nothing doubled
    assert client.post("/people/import/", confirm).status_code == 400
    assert Resident.objects.filter(notes__contains="LTimp1").count() == IMPORT_ROWS
    assert reconcile([_import_row("LTimp1", acked=True)]).ok
    # unacknowledged (the answer never came): all rows or none are both consistent
    assert reconcile([_import_row("LTimp1", acked=False)]).ok
    assert reconcile([_import_row("LTnone", acked=False)]).ok


def test_a_half_applied_import_fails(world):
    from wangge.people.models import Resident

    client, confirm = _import_through_the_page(world, "LTimp2")
    client.post("/people/import/", confirm)
    Resident.objects.filter(notes__contains="LTimp2").order_by("pk").first().delete()
    for acked in (True, False):
        failures = "\n".join(reconcile([_import_row("LTimp2", acked=acked)]).failures)
        assert "its file has 12 rows" in failures


def test_a_resend_that_timed_out_is_counted_not_failed(world):
    _report(world, "LTtime", "k-10")
    report = reconcile([_row(world, "LTtime", "k-10", acked=True, replay={"status": 0, "same": False})])
    assert report.ok and report.unanswered_replays == 1
    assert "1 resends unanswered" in report.summary()
    # a resend that was answered differently still fails
    report = reconcile([_row(world, "LTtime", "k-10", acked=True, replay={"status": 201, "same": False})])
    assert not report.ok


def test_markers_are_counted_whole_and_afresh_for_each_check(world):
    # given a report whose marker begins with another write's marker
    _report(world, "LTeeee1", "k-20")
    rows = [_row(world, "LTeeee", "k-21", acked=True)]
    # when the shorter marker's write is checked
    report = reconcile(rows)
    # then the longer marker is not taken for it (the texts are read once per kind, and
    # each marker is matched whole)
    assert any("found 0 times" in f for f in report.failures)
    # and once its report lands, a second check reads the database again
    _report(world, "LTeeee", "k-21")
    assert reconcile(rows).ok
