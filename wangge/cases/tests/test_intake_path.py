"""The case intake's fast path: rows written with prepared statements, reference data
from process-local copies, roles from the cache — and still exactly right."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from wangge.accounts.models import Role
from wangge.accounts.services import role_assign
from wangge.areas.services import area_create, area_locate_point, area_set_polygon
from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, CaseEvent, Category, RoutingRule
from wangge.cases.tests.test_api import client_for, post, report_body
from wangge.core.inserts import insert_row, insert_rows
from wangge.core.models import IdempotencyRecord
from wangge.testing import square
from wangge.testing.cases import CaseFactory, grid_point

pytestmark = pytest.mark.django_db


def _columns(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname != "created_at"
    }


def test_insert_row_stores_what_orm_create_stores(django_user_model):
    # given two identical unsaved records, defaults and auto_now_add left to the fields
    user = django_user_model.objects.create(username="u1")
    fields = dict(user=user, key="k", scope="s", fingerprint="f", response={"a": [1, "二"]})
    # when one goes in through the ORM and one through insert_row
    orm = IdempotencyRecord.objects.create(**fields)
    fast = insert_row(IdempotencyRecord(**{**fields, "key": "k2"}))
    # then both rows read back the same, auto_now_add included
    stored_orm = IdempotencyRecord.objects.get(pk=orm.pk)
    stored_fast = IdempotencyRecord.objects.get(pk=fast.pk)
    assert fast.pk != orm.pk and not fast._state.adding
    assert {**_columns(stored_fast), "key": "k"} == _columns(stored_orm)
    assert stored_fast.created_at is not None


def test_insert_row_refuses_a_saved_row(django_user_model):
    user = django_user_model.objects.create(username="u2")
    with pytest.raises(ValueError):
        insert_row(user)


def test_insert_rows_writes_all_rows_in_one_statement_on_postgresql(world):
    # given a case id chosen up front, and rows that refer to it
    case = CaseFactory.reported(world)
    event = CaseEvent(case=case, at=case.created_at, action="note", data={"x": 1})
    audit = AuditEvent(at=case.created_at, action="probe", outcome="success", object_id="1")
    # when
    with CaptureQueriesContext(connection) as queries:
        insert_rows(event, audit)
    # then
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert CaseEvent.objects.get(pk=event.pk).data == {"x": 1}
    assert AuditEvent.objects.get(pk=audit.pk).action == "probe"


def test_insert_rows_accepts_a_chosen_primary_key(world):
    # given a reported case copied under a new, explicit id
    template = CaseFactory.reported(world)
    free_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    copy = Case(
        id=free_id,
        number="2099010100001",
        token="t" * 24,
        category=template.category,
        priority=template.priority,
        status=template.status,
        source=template.source,
        description="复制",
        area_path=template.area_path,
        dispatcher_area=template.dispatcher_area,
        created_at=template.created_at,
        updated_at=template.updated_at,
    )
    # when
    insert_rows(copy)
    # then
    assert Case.objects.get(pk=free_id).description == "复制"


# ---------------------------------------------------------------- the report, end to end


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # autocommit, as in production
def test_report_through_the_api_runs_few_statements(world):
    # given a grid worker whose session, roles and reference copies are warm
    client = client_for(world.grid_worker)
    assert post(client, "/api/cases", report_body(world), key="warm").status_code == 201
    # when the next report comes in
    with CaptureQueriesContext(connection) as queries:
        response = post(client, "/api/cases", report_body(world), key="next")
    # then on PostgreSQL: session, user, number + id, then case + event + audit +
    # idempotency record as one statement (atomic alone: no BEGIN, no COMMIT)
    assert response.status_code == 201
    limit = 4 if connection.vendor == "postgresql" else 12
    assert len(queries) <= limit, [q["sql"][:60] for q in queries]
    case = Case.objects.get(number=response.json()["number"])
    assert case.pk == response.json()["id"]
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1
    assert AuditEvent.objects.filter(action="case_report", object_id=str(case.pk)).count() == 1
    assert IdempotencyRecord.objects.get(key="next").response["id"] == case.pk


def test_resend_after_the_category_was_switched_off_replays_the_first_answer(world):
    # given a report that got through, and then its category switched off
    client = client_for(world.resident)
    first = post(client, "/api/cases", report_body(world), key="phone-1")
    Category.objects.filter(pk=world.category.pk).update(active=False)
    Category.objects.get(pk=world.category.pk).save()  # the admin saves: copies drop
    # when the phone resends it
    again = post(client, "/api/cases", report_body(world), key="phone-1")
    # then it gets the first answer, and a new report with that category is refused
    assert again.status_code == 201 and again.json() == first.json()
    assert post(client, "/api/cases", report_body(world), key="phone-2").status_code == 400
    assert Case.objects.count() == 1


def test_new_routing_rule_applies_to_the_next_report(world):
    # given a report of a category nobody routes in this district goes to the street
    other = Category.objects.get(code="C0201")
    client = client_for(world.resident)
    before = post(client, "/api/cases", report_body(world, category_id=other.pk))
    assert Case.objects.get(pk=before.json()["id"]).dispatcher_area == world.street
    # when staff add a rule for it (cached routing copies must not hide it)
    RoutingRule.objects.create(category=other, area=world.city, handler_department=world.department)
    after = post(client, "/api/cases", report_body(world, category_id=other.pk))
    # then the next report is routable, so the community dispatches it
    assert Case.objects.get(pk=after.json()["id"]).dispatcher_area == world.community


def test_grid_added_or_redrawn_is_located_at_once(world):
    # given a point that no grid covers yet
    lat, lng = world.grid.min_lat + 0.5, world.grid.min_lng + 0.5
    assert area_locate_point(lat=lat, lng=lng) is None
    # when a grid is drawn there
    grid = area_create(
        parent=world.community,
        kind="grid",
        code=world.community.code + "099",
        name="新网格",
        polygon=square(lat - 0.001, lng - 0.001, 0.002),
    )
    # then the point is found in it, and no longer after the grid is redrawn elsewhere
    assert area_locate_point(lat=lat, lng=lng) == grid
    area_set_polygon(area=grid, polygon=square(lat + 1, lng + 1, 0.002))
    assert area_locate_point(lat=lat, lng=lng) is None


def test_revoked_role_is_gone_on_the_next_request(world):
    # given a grid worker who reads cases of the grid through the API
    case = CaseFactory.reported(world)
    worker = world.grid_worker
    client = client_for(worker)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    # when the role is revoked (the roles were cached by that request)
    for assignment in worker.role_assignments.all():
        assignment.delete()
    # then the very next request is refused, and a new role counts at once as well
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    role_assign(actor=None, user=worker, role=Role.GRID_WORKER, area=world.grid)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200


def test_reported_point_lands_in_its_grid(world):
    lat, lng = grid_point(world.grid)
    response = post(client_for(world.resident), "/api/cases", report_body(world, lat=lat, lng=lng))
    assert response.json()["grid_id"] == world.grid.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_of_one_report_at_the_same_moment_make_one_case(world):
    # given a phone that sends the same report twice at once (a retry racing the first)
    body = report_body(world)
    answers: list = [None, None]
    barrier = threading.Barrier(2, timeout=10)
    concurrent = connection.vendor == "postgresql"

    def send(index: int) -> None:
        try:
            client = client_for(world.grid_worker)
            if concurrent:
                barrier.wait()
            answers[index] = post(client, "/api/cases", body, key="same-key")
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()  # SQLite takes one writer at a time
    for thread in threads:
        thread.join()
    # then both get the same answer, and there is one case with one event and one audit row
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    case = Case.objects.get()
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="case_report").count() == 1
