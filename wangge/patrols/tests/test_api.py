"""The grid worker app's API: scope, masked lookups, refusals with a field, idempotent resends."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.cases.models import Attachment, Case, Category
from wangge.core.models import IdempotencyRecord
from wangge.patrols.models import Patrol, PatrolFinding, Visit, VisitNeed
from wangge.people.services import household_move
from wangge.testing.cases import image_bytes
from wangge.testing.patrols import household, visit

PNG = image_bytes("PNG")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def category():
    return Category.objects.filter(active=True, numchild=0).order_by("path").first()


def test_today_lists_the_workers_due_households_and_choices(world):
    # given an overdue household in A's grid and one in B's
    mine = household(world.g1, tags=("low_income",), name="王五")
    visit(mine, world.worker_a, date(2026, 5, 1))
    visit(household(world.g2, tags=("low_income",)), world.worker_b, date(2026, 5, 1))

    # when
    response = client_for(world.worker_a).get("/api/patrols/today")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-06-10"
    assert [g["id"] for g in body["grids"]] == [world.g1.id]
    assert [
        (d["household_id"], d["head_name"], d["window"]["status"], d["window"]["due"])
        for d in body["overdue"]
    ] == [(mine.id, "王五", "overdue", "2026-05-31")]
    assert body["due_today"] == [] and body["due_this_week"] == []
    assert body["patrol"] is None
    assert len(body["duties"]) == 7
    assert body["categories"] != []


def test_today_is_refused_to_staff_who_are_not_grid_workers(world):
    response = client_for(world.staff).get("/api/patrols/today")
    assert response.status_code == 403


def test_household_lookup_shows_masked_data_of_own_grids_only(world):
    # given
    mine = household(world.g1, name="张三")
    household(world.g2, name="张四")
    client = client_for(world.worker_a)

    # when
    found = client.get("/api/patrols/households", {"q": "张"}).json()
    detail = client.get(f"/api/patrols/households/{mine.id}").json()

    # then
    assert [h["id"] for h in found] == [mine.id]
    (resident,) = detail["residents"]
    assert resident["name"] == "张三"
    assert resident["phone"] == "138****5678"
    assert resident["id_number"].startswith("150") and "*" * 11 in resident["id_number"]


def test_household_of_another_grid_answers_404(world):
    # given
    other = household(world.g2)

    # when
    response = client_for(world.worker_a).get(f"/api/patrols/households/{other.id}")

    # then
    assert response.status_code == 404


def test_visit_resent_with_the_same_key_is_recorded_once(world):
    # given
    home = household(world.g1, tags=("low_income",))
    client = client_for(world.worker_a)
    body = {
        "household_id": home.id,
        "mode": "in_person",
        "outcome": "normal",
        "at": "2026-06-10T09:30:00+08:00",
        "notes": "身体健康",
    }

    # when the phone sends it three times
    answers = [post(client, "/api/patrols/visits", body, key="k-visit-1") for _ in range(3)]

    # then
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert Visit.objects.filter(household=home).count() == 1
    assert answers[0].json()["timing"] == "late"


def test_same_key_with_another_body_is_refused_and_writes_nothing(world):
    # given
    home = household(world.g1)
    client = client_for(world.worker_a)
    body = {"household_id": home.id, "mode": "in_person", "outcome": "normal"}
    post(client, "/api/patrols/visits", body, key="k-visit-2")

    # when
    response = post(client, "/api/patrols/visits", {**body, "mode": "phone"}, key="k-visit-2")

    # then
    assert response.status_code == 422
    assert Visit.objects.filter(household=home).count() == 1


def test_visit_to_a_household_moved_away_is_refused_with_its_field(world):
    # given a household the phone still has, moved to B's grid meanwhile
    home = household(world.g1)
    household_move(actor=world.staff, household=home, grid=world.g2)

    # when the queued visit arrives
    response = post(
        client_for(world.worker_a),
        "/api/patrols/visits",
        {"household_id": home.id, "mode": "phone", "outcome": "normal"},
        key="k-visit-3",
    )

    # then
    assert response.status_code == 404
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "household_id"],
                "msg": "未找到该户，或该户已不在您负责的网格内",
                "type": "not_found",
            }
        ]
    }
    assert Visit.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


def test_visit_refuses_an_id_number_among_observed_changes(world):
    # given
    home = household(world.g1)

    # when
    response = post(
        client_for(world.worker_a),
        "/api/patrols/visits",
        {
            "household_id": home.id,
            "mode": "in_person",
            "outcome": "normal",
            "changes": {"id_number": "150203198001010011"},
        },
    )

    # then
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "changes"]
    assert Visit.objects.count() == 0


def test_visit_with_needs_reports_each_as_a_case(world, category):
    # given
    home = household(world.g1, tags=("low_income",))

    # when
    response = post(
        client_for(world.worker_a),
        "/api/patrols/visits",
        {
            "household_id": home.id,
            "mode": "in_person",
            "outcome": "needs",
            "duty": "assistance",
            "needs": [
                {"category_id": category.id, "description": "楼道灯不亮"},
                {"category_id": category.id, "description": "申请临时救助"},
            ],
            "changes": {"members": "2"},
        },
        key="k-visit-4",
    )

    # then
    assert response.status_code == 201
    visit_row = Visit.objects.get()
    assert visit_row.changes == {"members": "2"}
    cases = Case.objects.filter(visit_need__visit=visit_row).order_by("id")
    assert [(c.description, c.source, c.grid_id, c.reporter_id) for c in cases] == [
        ("楼道灯不亮", "grid_worker", world.g1.id, world.worker_a.id),
        ("申请临时救助", "grid_worker", world.g1.id, world.worker_a.id),
    ]
    assert sorted(response.json()["cases"]) == sorted(c.number for c in cases)
    assert VisitNeed.objects.count() == 2


def test_patrol_start_end_and_a_finding_with_photo(world, category):
    # given
    client = client_for(world.worker_a)

    # when the worker starts a patrol, reports a finding with a photo twice, ends the patrol
    started = post(
        client,
        "/api/patrols/patrols/start",
        {"client_ref": "p-1", "grid_id": world.g1.id, "duties": ["governance"]},
        key="k-start",
    )
    form = {
        "grid_id": world.g1.id,
        "category_id": category.id,
        "description": "井盖缺失",
        "patrol_ref": "p-1",
        "lat": "40.51",
        "lng": "109.81",
        "address": "一号路口",
    }
    findings = [
        client.post(
            "/api/patrols/findings",
            {**form, "photo": SimpleUploadedFile("a.png", PNG, "image/png")},
            headers={"Idempotency-Key": "k-finding"},
        )
        for _ in range(2)
    ]
    ended = post(
        client,
        "/api/patrols/patrols/end",
        {"client_ref": "p-1", "points": [{"lat": 40.51, "lng": 109.81}], "notes": "巡查正常"},
        key="k-end",
    )

    # then
    assert started.status_code == 201
    assert [f.status_code for f in findings] == [201, 201]
    assert findings[0].json() == findings[1].json()
    assert ended.status_code == 200
    patrol = Patrol.objects.get()
    assert (patrol.grid_id, patrol.date, patrol.duties, patrol.notes, len(patrol.points)) == (
        world.g1.id,
        date(2026, 6, 10),
        ["governance"],
        "巡查正常",
        1,
    )
    assert patrol.ended_at is not None
    case = Case.objects.get()
    assert (case.description, case.source, case.grid_id) == ("井盖缺失", "grid_worker", world.g1.id)
    assert PatrolFinding.objects.get().case_id == case.id
    assert Attachment.objects.filter(case=case).count() == 1


def test_patrol_of_a_grid_not_the_workers_is_refused_with_its_field(world):
    # when
    response = post(
        client_for(world.worker_a),
        "/api/patrols/patrols/start",
        {"client_ref": "p-2", "grid_id": world.g2.id},
    )

    # then
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["body", "grid_id"]
    assert Patrol.objects.count() == 0


def test_second_open_patrol_is_refused_but_yesterdays_is_closed_for_it(world, frozen):
    # given a patrol left open yesterday
    client = client_for(world.worker_a)
    frozen(date(2026, 6, 9), 9)
    post(client, "/api/patrols/patrols/start", {"client_ref": "p-old", "grid_id": world.g1.id})
    frozen(date(2026, 6, 10), 9)
    client = client_for(world.worker_a)  # a new day, a new session

    # when the worker starts today's patrol, and then another one
    first = post(
        client, "/api/patrols/patrols/start", {"client_ref": "p-new", "grid_id": world.g1.id}
    )
    second = post(
        client, "/api/patrols/patrols/start", {"client_ref": "p-other", "grid_id": world.g1.id}
    )

    # then
    assert first.status_code == 201
    assert second.status_code == 409
    old = Patrol.objects.get(client_ref="p-old")
    assert (old.auto_closed, old.ended_at == old.started_at) == (True, True)
    assert Patrol.objects.filter(ended_at__isnull=True).count() == 1


@pytest.mark.parametrize("household_id", [0, 2**63, 10**30])
def test_out_of_range_ids_are_invalid_input_not_errors(world, household_id):
    # when
    client = client_for(world.worker_a)
    detail = client.get(f"/api/patrols/households/{household_id}")
    posted = post(
        client,
        "/api/patrols/visits",
        {"household_id": household_id, "mode": "phone", "outcome": "normal"},
    )

    # then
    assert (detail.status_code, posted.status_code) == (422, 422)
    assert Visit.objects.count() == 0
