"""Pages: the cadre's phone flow and the unit officers' scope (pages, export, admin)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from wangge.audit.models import AuditEvent
from wangge.training import services
from wangge.training.models import Attendance, Enrolment


def test_cadre_scans_in_and_sees_the_hours(client, tw):
    client.force_login(tw.cadre_user)
    url = reverse("training:check_in", args=[tw.full_time.token])
    assert "签到" in client.get(url).content.decode()
    response = client.post(url)
    assert "签到成功" in response.content.decode()
    assert Attendance.objects.filter(enrolment__cadre=tw.cadre).count() == 1
    page = client.get(reverse("training:mine")).content.decode()
    assert 'id="my-total">35' in page


def test_cadre_requests_leave_on_the_phone(client, tw):
    client.force_login(tw.second_user)
    url = reverse("training:my_class", args=[tw.full_time.pk])
    response = client.post(url, {"leave-hours": "6", "leave-reason": "病假", "leave-key": "abc"})
    assert response.status_code == 302
    assert Enrolment.objects.get(cadre=tw.second).status == "withdrawn"
    assert "已作退学处理" in client.get(url).content.decode()


def test_officer_sees_only_own_units_ledger(client, tw):
    client.force_login(tw.officer_b)
    page = client.get(reverse("training:ledger"), {"year": 2026}).content.decode()
    assert "王强" in page and "张明" not in page
    assert client.get(reverse("training:cadre", args=[tw.cadre.pk])).status_code == 404
    assert client.get(reverse("training:cadre", args=[tw.other.pk])).status_code == 200
    assert client.get(reverse("training:ledger_export"), {"unit": tw.unit_a.pk}).status_code == 404


def test_officer_export_holds_own_cadres_and_is_audited(client, tw):
    client.force_login(tw.officer_a)
    response = client.get(reverse("training:ledger_export"), {"year": 2026})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = {row[1] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert names == {"张明", "李华"}
    assert AuditEvent.objects.filter(action="export", object_type="training.ledger").exists()


def test_officer_cannot_write_for_another_units_cadre(client, tw):
    client.force_login(tw.officer_a)
    response = client.post(reverse("training:cadre", args=[tw.other.pk]),
                           {"source": "unit", "date": "2026-03-01", "title": "x", "hours": "3"})
    assert response.status_code == 404
    assert not tw.other.credits.exists()


def test_officer_roster_shows_only_own_cadres(client, tw):
    client.force_login(tw.officer_a)
    page = client.get(reverse("training:class_detail", args=[tw.full_time.pk])).content.decode()
    assert "张明" in page and "王强" not in page


def test_organiser_sees_the_qr_code_and_all(client, tw):
    client.force_login(tw.organiser)
    page = client.get(reverse("training:class_detail", args=[tw.full_time.pk])).content.decode()
    assert "<svg" in page and tw.full_time.token in page
    page = client.get(reverse("training:ledger"), {"year": 2026}).content.decode()
    assert "王强" in page and "张明" in page


@pytest.mark.parametrize("name", ["home", "classes", "courses", "needs", "ledger"])
def test_staff_pages_render(client, tw, name):
    client.force_login(tw.organiser)
    assert client.get(reverse(f"training:{name}")).status_code == 200


def test_cadre_answers_the_questionnaire(client, tw):
    from wangge.training.models import Need, NeedCategory

    client.force_login(tw.cadre_user)
    category = NeedCategory.objects.first()
    response = client.post(reverse("training:needs"), {"category": category.pk, "text": "想学数字治理"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.cadre == tw.cadre and need.source == "questionnaire"


def test_public_excellent_courses(client, tw):
    from wangge.training.models import NeedCategory

    course = services.course_create(actor=tw.organiser, topic="基层治理十讲", category_id=NeedCategory.objects.first().pk,
                                    lecturer="刘书记", hours=3)
    services.course_mark_excellent(actor=tw.organiser, course_id=course.pk, excellent=True)
    assert "基层治理十讲" in client.get(reverse("training:excellent")).content.decode()


def test_officers_have_no_back_office(client, tw):
    client.force_login(tw.officer_a)
    response = client.get("/admin/training/cadre/")
    assert response.status_code in (302, 403, 404)


def test_api_ledger_is_scoped(client, tw):
    client.force_login(tw.officer_b)
    rows = client.get("/api/training/ledger?year=2026").json()
    assert [r["name"] for r in rows] == ["王强"]
    assert client.get(f"/api/training/cadres/{tw.cadre.pk}/ledger").status_code == 404


def test_api_check_in_and_leave_with_key(client, tw):
    client.force_login(tw.second_user)
    ok = client.post("/api/training/check-in", {"token": tw.full_time.token}, content_type="application/json")
    assert ok.status_code == 200
    body = {"hours": "2", "reason": "会议"}
    first = client.post(f"/api/training/classes/{tw.full_time.pk}/leave", body,
                        content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post(f"/api/training/classes/{tw.full_time.pk}/leave", body,
                        content_type="application/json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and first.json()["id"] == again.json()["id"]
