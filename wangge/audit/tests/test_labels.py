"""The audit page in words (issue 10 item 12): every app labels its own actions, objects and
pages in its nav.py; the audit app only collects them."""

from datetime import timedelta

import pytest

from wangge.accounts.models import Role
from wangge.audit.labels import action_choices, action_label, object_label
from wangge.audit.models import Outcome
from wangge.audit.selectors import audit_recent_count
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.testing import make_user

pytestmark = pytest.mark.django_db


def test_actions_objects_and_pages_read_in_words(client):
    # given rows written by the closed loop, the import and a denial
    audit_record(action="case_report", username="u1", object_type="cases.case", object_id=496)
    audit_record(action="import", username="u1", object_type="people.import",
                 object_id="residents")
    audit_record(action="access_denied", outcome=Outcome.DENIED, username="u1",
                 object_type="page", object_id="/cases/496/")
    client.force_login(make_user(Role.AUDIT_ADMIN, username="auditor"))
    # when the auditor reads the page
    page = client.get("/audit/", {"username": "u1"}).content.decode()
    # then every action and object reads in words, not codes
    for words in ("上报事件", "案件 496", "导入", "居民信息导入", "越权访问被拒绝",
                  "事件 496 的详情页"):
        assert words in page
    # (the codes stay only in the cells' title, for the auditor's tooltip)
    for code in (">case_report<", ">people.import residents<", ">page /cases/496/<"):
        assert code not in page


def test_labels_come_from_the_app_that_writes_the_action():
    # then each app's actions are in words, grouped under the app's name
    groups = dict(action_choices()[1:])
    assert ("case_accept", "事件立案") in groups["事件闭环"]
    assert ("login", "登录") in groups["账号与权限"]
    assert ("access_denied", "越权访问被拒绝") in groups["审计"]
    assert action_label("case_summons_rate") == "评价报到部门"
    # and an unknown code or page stays readable as stored
    assert action_label("something_new") == "something_new"
    assert object_label("page", "/nowhere/") == "页面 /nowhere/"
    assert object_label("people.export", "households") == "户信息导出"


def test_every_case_transition_has_its_audit_label():
    # given the closed loop's transitions
    from wangge.cases.services import TRANSITIONS

    # then each one's audit action ("case_" + transition) has words
    assert [action for action in TRANSITIONS if f"case_{action}" == action_label(f"case_{action}")] == []


def test_the_action_filter_offers_the_case_actions(client):
    # given an accepted and a reported case on record
    audit_record(action="case_accept", username="cs", object_type="cases.case", object_id=1)
    audit_record(action="case_report", username="cs", object_type="cases.case", object_id=2)
    client.force_login(make_user(Role.AUDIT_ADMIN, username="auditor"))
    # when the auditor filters by 事件立案
    response = client.get("/audit/", {"action": "case_accept"})
    # then only that row is listed, and the filter offers it in words
    assert [event.action for event in response.context["page"]] == ["case_accept"]
    assert '<option value="case_accept" selected>事件立案</option>' in response.content.decode()


def test_recent_rows_are_counted_per_actor(monkeypatch):
    # given three exports by alice and one by bob
    alice, bob = make_user(username="alice"), make_user(username="bob")
    for actor in (alice, alice, alice, bob):
        audit_record(action="export", actor=actor)
    # when counted over the last hour
    # then each actor's own rows count
    assert audit_recent_count(action="export", actor=alice) == 3
    assert audit_recent_count(action="export", actor=bob) == 1
    # and an hour later none of them does
    later = clock.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert audit_recent_count(action="export", actor=alice) == 0


def test_anonymous_rows_are_counted_per_address_and_detail(rf):
    # given two anonymous reports from one address, of different sources
    request = rf.post("/cases/report/", REMOTE_ADDR="10.0.0.7")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    audit_record(action="case_report", request=request, detail={"source": "resident"})
    audit_record(action="case_report", request=request, detail={"source": "hotline"})
    # then the count is per address and per detail
    assert audit_recent_count(action="case_report", ip="10.0.0.7", source="resident") == 1
    assert audit_recent_count(action="case_report", ip="10.0.0.8", source="resident") == 0
