"""The JSON API: idempotent POSTs, conflicts, scope, reporter privacy, photo checks."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wangge.cases.models import Attachment, Case, CaseEvent, Status
from wangge.core import crypto
from wangge.core.models import IdempotencyRecord
from wangge.testing.cases import JPEG, PNG, WEBP, CaseFactory, grid_point


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def report_body(world, **extra) -> dict:
    lat, lng = grid_point(world.grid)
    return {
        "category_id": world.category.pk,
        "description": "路灯不亮",
        "lat": lat,
        "lng": lng,
        **extra,
    }


def test_report_replay_returns_first_answer_and_creates_one_case(world):
    # given
    client = client_for(world.resident)
    body = report_body(world)
    # when
    first = post(client, "/api/cases", body, key="phone-123")
    second = post(client, "/api/cases", body, key="phone-123")
    # then
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert Case.objects.count() == 1
    assert first.json()["status"] == "reported"
    assert first.json()["source"] == "resident"


def test_same_key_with_another_body_is_422_and_creates_nothing_more(world):
    # given
    client = client_for(world.resident)
    post(client, "/api/cases", report_body(world), key="phone-9")
    # when
    response = post(client, "/api/cases", report_body(world, description="另一件事"), key="phone-9")
    # then
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "idempotency_mismatch"
    assert Case.objects.count() == 1


def test_failed_report_leaves_no_idempotency_record(world):
    # given a point outside every grid
    client = client_for(world.resident)
    # when
    response = post(client, "/api/cases", report_body(world, lat=10.0, lng=10.0), key="k")
    # then: the resend after fixing the input is not blocked by the failure
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "location"]
    assert IdempotencyRecord.objects.count() == 0
    assert post(client, "/api/cases", report_body(world), key="k").status_code == 201


def test_resident_cannot_pose_as_a_grid_worker(world):
    # when
    response = post(client_for(world.resident), "/api/cases", report_body(world, source="hotline"))
    # then
    assert response.json()["source"] == "resident"
    staff = post(
        client_for(world.grid_worker), "/api/cases", report_body(world, source="grid_worker")
    )
    assert staff.json()["source"] == "grid_worker"


def test_action_replay_and_conflict(world):
    # given
    case = CaseFactory.accepted(world)
    staff, street = client_for(world.community_staff), client_for(world.street_staff)
    url = f"/api/cases/{case.pk}/dispatch"
    # when
    first = post(staff, url, {"expected_version": case.version}, key="d-1")
    replay = post(staff, url, {"expected_version": case.version}, key="d-1")
    late = post(
        street,
        url,
        {"expected_version": case.version, "handler_department": world.other_department.pk},
    )
    # then
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert late.status_code == 409
    assert "请刷新后重试" in late.json()["detail"][0]["msg"]
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
    assert Case.objects.get(pk=case.pk).handler_department == world.department


def test_action_from_wrong_status_is_409(world):
    # given
    case = CaseFactory.dispatched(world)
    # when
    response = post(client_for(world.community_staff), f"/api/cases/{case.pk}/accept", {})
    # then
    assert response.status_code == 409


def test_refused_action_is_403_and_out_of_scope_is_404(world):
    # given
    case = CaseFactory.reported(world)
    # when
    forbidden = post(client_for(world.grid_worker), f"/api/cases/{case.pk}/accept", {})
    missing = post(client_for(world.other_community_staff), f"/api/cases/{case.pk}/accept", {})
    # then
    assert forbidden.status_code == 403
    assert missing.status_code == 404
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED


def test_other_community_cannot_see_the_case(world):
    # given
    case = CaseFactory.reported(world)
    other = client_for(world.other_community_staff)
    # when / then
    assert other.get(f"/api/cases/{case.pk}").status_code == 404
    assert other.get("/api/cases").json() == {"items": [], "count": 0}
    mine = client_for(world.community_staff).get("/api/cases").json()
    assert [row["id"] for row in mine["items"]] == [case.pk]
    assert client_for(world.other_handler).get(f"/api/cases/{case.pk}").status_code == 404


def test_anonymous_reporter_is_invisible_to_everyone_in_the_office(world):
    # given
    case = CaseFactory.dispatched(
        world, anonymous=True, reporter_name="王五", reporter_phone="13912345678"
    )
    # then: nothing was kept
    stored = Case.objects.get(pk=case.pk)
    assert (stored.reporter_name, stored.reporter_phone_enc) == ("", "")
    for user in (world.handler, world.community_staff, world.street_staff):
        body = client_for(user).get(f"/api/cases/{case.pk}")
        assert body.json()["reporter"] == {"name": "匿名", "phone": ""}
        assert "王五" not in body.content.decode()
        assert "1391234" not in body.content.decode()


def test_named_reporter_hidden_from_departments_masked_for_community(world):
    # given
    case = CaseFactory.dispatched(world, reporter_name="李四", reporter_phone="13812345678")
    # then: the phone is encrypted at rest
    stored = Case.objects.get(pk=case.pk)
    assert "13812345678" not in stored.reporter_phone_enc
    assert crypto.decrypt(stored.reporter_phone_enc) == "13812345678"
    # when
    department = client_for(world.handler).get(f"/api/cases/{case.pk}")
    community = client_for(world.community_staff).get(f"/api/cases/{case.pk}")
    # then
    assert department.json()["reporter"] == {"name": "", "phone": ""}
    assert "李四" not in department.content.decode()
    assert community.json()["reporter"] == {"name": "李四", "phone": "138****5678"}
    listing = client_for(world.handler).get("/api/cases").content.decode()
    assert "李四" not in listing and "5678" not in listing


@pytest.mark.parametrize("data", [PNG, JPEG, WEBP], ids=["png", "jpeg", "webp"])
def test_photo_upload_checked_by_content(world, data):
    # given
    case = CaseFactory.in_progress(world)
    client = client_for(world.handler)
    # when: the name claims nothing useful; the bytes decide
    response = client.post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("x.bin", data)},
    )
    # then
    assert response.status_code == 201
    attachment = Attachment.objects.get(pk=response.json()["id"])
    # stored decoded and re-encoded (test_photos.py has the details)
    download = client.get(f"/api/cases/{case.pk}/attachments/{attachment.pk}")
    assert download.status_code == 200
    stored = b"".join(download.streaming_content)
    assert (attachment.content_type, attachment.size) == ("image/jpeg", len(stored))
    assert Image.open(io.BytesIO(stored)).size == Image.open(io.BytesIO(data)).size
    assert (
        client_for(world.other_community_staff)
        .get(f"/api/cases/{case.pk}/attachments/{attachment.pk}")
        .status_code
        == 404
    )


def test_photo_upload_refuses_other_content_and_oversize(world, settings):
    # given
    settings.WANGGE_CASE_PHOTO_MAX_BYTES = 100
    case = CaseFactory.in_progress(world)
    client = client_for(world.handler)
    # when
    script = client.post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("a.jpg", b"<script>alert(1)</script>")},
    )
    big = client.post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("b.png", PNG + b"0" * 200)},
    )
    # then
    assert script.status_code == 400
    assert big.status_code == 400
    assert Attachment.objects.count() == 0


def test_department_cannot_attach_report_photos_to_foreign_case(world):
    # given
    case = CaseFactory.in_progress(world)
    # when
    response = client_for(world.other_handler).post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("x.png", PNG)},
    )
    # then
    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_list_boxes_and_counts(world):
    # given
    reported = CaseFactory.reported(world)
    dispatched = CaseFactory.dispatched(world)
    client = client_for(world.community_staff)
    # when
    to_accept = client.get("/api/cases?box=to_accept").json()
    mine = client_for(world.handler).get("/api/cases?box=my_unit_open").json()
    counts = client.get("/api/cases/boxes").json()
    # then
    assert [row["id"] for row in to_accept["items"]] == [reported.pk]
    assert [row["id"] for row in mine["items"]] == [dispatched.pk]
    assert counts["to_accept"] == 1
    assert counts["to_dispatch"] == 0
    assert client.get("/api/cases?box=nonsense").status_code == 422


def test_detail_lists_allowed_actions(world):
    # given
    case = CaseFactory.dispatched(world)
    # when
    handler = client_for(world.handler).get(f"/api/cases/{case.pk}").json()
    community = client_for(world.community_staff).get(f"/api/cases/{case.pk}").json()
    # then
    assert handler["allowed_actions"] == ["sign", "return", "extend_request", "suspend_request"]
    assert community["allowed_actions"] == ["extend_approve", "suspend"]
    assert [e["action"] for e in handler["events"]] == ["report", "accept", "dispatch"]


def test_tracking_and_evaluation_by_token(world):
    # given
    case = CaseFactory.resolved(world)
    anonymous = Client()
    # when
    before = anonymous.get(f"/api/cases/track/{case.token}").json()
    rated = post(
        anonymous,
        f"/api/cases/track/{case.token}/evaluate",
        {"rating": "satisfied", "comment": "很快"},
    )
    # then
    assert before["can_evaluate"] is True
    assert before["status"] == "resolved"
    assert rated.status_code == 200
    assert rated.json()["can_evaluate"] is False
    assert anonymous.get("/api/cases/track/not-a-token").status_code == 404
    assert anonymous.get(f"/api/cases/{case.pk}").status_code == 401


def test_summons_endpoints(world):
    # given
    case = CaseFactory.dispatched(world)
    street = client_for(world.street_staff)
    # when
    issued = post(
        street,
        f"/api/cases/{case.pk}/summons",
        {"department_ids": [world.other_department.pk], "urgent": True},
        key="s1",
    )
    response_id = issued.json()[0]["id"]
    pending = client_for(world.other_handler).get("/api/cases?box=summons_pending").json()
    checked = post(
        client_for(world.other_handler), f"/api/cases/summons/{response_id}/check-in", {}
    )
    rated = post(street, f"/api/cases/summons/{response_id}/rate", {"rating": 4})
    # then
    assert issued.status_code == 201
    assert [row["id"] for row in pending["items"]] == [case.pk]
    assert checked.status_code == 200 and checked.json()["checked_in_at"] is not None
    assert rated.json()["rating"] == 4
    assert (
        post(
            client_for(world.community_staff),
            f"/api/cases/{case.pk}/summons",
            {"department_ids": [world.department.pk]},
        ).status_code
        == 403
    )


def test_kpi_endpoint_requires_a_kpi_role(world):
    # when
    refused = client_for(world.resident).get(
        "/api/cases/kpi?period_start=2026-11-01&period_end=2026-11-30"
    )
    allowed = client_for(world.city_officer).get(
        "/api/cases/kpi?period_start=2026-11-01&period_end=2026-11-30&group_by=street"
    )
    # then
    assert refused.status_code == 403
    assert allowed.status_code == 200


def test_a_signed_in_anonymous_reporter_is_not_named_in_the_timeline(world):
    # given a resident with an account who reports anonymously
    world.resident.display_name = "赵六"
    world.resident.save()
    case = CaseFactory.dispatched(world, actor=world.resident, anonymous=True)
    # when office staff read the case
    for user in (world.handler, world.community_staff, world.street_staff):
        body = client_for(user).get(f"/api/cases/{case.pk}").json()
        # then the report event carries no account name
        names = {event["actor_name"] for event in body["events"]}
        assert "赵六" not in names and world.resident.username not in names
        assert "上报人" in names
    # while the reporter, reading their own case, sees their own name
    own = client_for(world.resident).get(f"/api/cases/{case.pk}")
    assert own.status_code == 200
    assert "赵六" in {event["actor_name"] for event in own.json()["events"]}


def test_the_reporter_sees_what_happened_not_who_in_the_office_did_it(world):
    # given a resident's case accepted and dispatched by a named community worker
    world.community_staff.display_name = "张伟"
    world.community_staff.save()
    world.resident.display_name = "赵六"
    world.resident.save()
    case = CaseFactory.dispatched(world, actor=world.resident)
    # when the reporter reads their own case
    body = client_for(world.resident).get(f"/api/cases/{case.pk}").json()
    # then staff actors are blank, the reporter's own event keeps their name
    names = [event["actor_name"] for event in body["events"]]
    assert "张伟" not in names and world.community_staff.username not in names
    assert names == ["赵六", "", ""]
    # while the office still sees who did it
    staff = client_for(world.street_staff).get(f"/api/cases/{case.pk}").json()
    assert "张伟" in {event["actor_name"] for event in staff["events"]}


def test_staff_reporting_outside_their_scope_see_no_staff_names(world):
    # given a grid worker's report that lands, by its point, in another district
    world.community_staff.display_name = "张伟"
    world.community_staff.save()
    other_staff = world.other_community_staff
    other_staff.display_name = "李娜"
    other_staff.save()
    lat, lng = grid_point(world.other_grid)
    response = post(
        client_for(world.grid_worker), "/api/cases", report_body(world, lat=lat, lng=lng)
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    CaseEvent.objects.create(case=case, at=case.created_at, action="accept", actor=other_staff)
    # when the grid worker reads it through the API and the case page
    client = client_for(world.grid_worker)
    body = client.get(f"/api/cases/{case.pk}").json()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    # then no staff name is shown
    assert "李娜" not in {event["actor_name"] for event in body["events"]}
    assert "李娜" not in page and other_staff.username not in page


def test_staff_grid_id_outside_scope_is_refused_like_a_missing_one(world):
    # given a grid worker and a grid in another district
    client = client_for(world.grid_worker)
    # when
    outside = post(client, "/api/cases", report_body(world, grid_id=world.other_grid.pk))
    missing = post(client, "/api/cases", report_body(world, grid_id=999999))
    inside = post(client, "/api/cases", report_body(world, grid_id=world.grid.pk))
    # then
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()
    assert outside.json()["detail"][0]["loc"] == ["body", "grid_id"]
    assert not Case.objects.filter(grid=world.other_grid).exists()
    assert inside.status_code == 201
    # and a resident still reports into any grid by its id
    resident = post(
        client_for(world.resident), "/api/cases", report_body(world, grid_id=world.other_grid.pk)
    )
    assert resident.status_code == 201


@pytest.mark.parametrize(
    ("user", "source", "allowed"),
    [
        ("grid_worker", "grid_worker", True),
        ("grid_worker", "meeting", True),
        ("grid_worker", "resident", True),
        ("grid_worker", "hotline", False),
        ("grid_worker", "department", False),
        ("grid_worker", "open311", False),
        ("community_staff", "hotline", True),
        ("community_staff", "grid_worker", False),
        ("street_staff", "hotline", True),
        ("handler", "department", True),
        ("handler", "hotline", False),
    ],
)
def test_staff_may_report_only_with_their_role_sources(world, user, source, allowed):
    # when
    response = post(client_for(world.user(user)), "/api/cases", report_body(world, source=source))
    # then
    if allowed:
        assert response.status_code == 201 and response.json()["source"] == source
    else:
        assert response.status_code in (400, 422)
        assert response.json()["detail"][0]["loc"][-1] == "source"
        assert Case.objects.count() == 0
