"""Issue 17, fault "upload disk full": photos are refused in words when the upload disk
reaches its reserve (WANGGE_UPLOAD_RESERVE_MB) or a write fails with ENOSPC. The step is
refused whole (no case without its photo, no stray files); steps without photos go on;
a resend with the same Idempotency-Key after space is freed lands once."""

import errno
import json
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.cases.models import Attachment, Case
from wangge.core.models import IdempotencyRecord
from wangge.testing.cases import JPEG, PNG, CaseFactory, anonymous_report_form, grid_point

FULL = "照片存储空间已满"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def disk_full(settings):
    """The upload disk has less free space than the reserve asks for."""
    settings.WANGGE_UPLOAD_RESERVE_MB = 10**9  # a petabyte: more than any disk has free
    return settings


def stored_files(settings) -> list[str]:
    return [name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names]


def test_report_page_refuses_a_photo_on_a_full_disk_and_takes_reports_without_one(
    client, world, disk_full
):
    # when a resident reports with a photo, then without one
    with_photo = client.post(
        "/cases/report/",
        anonymous_report_form(world, photo=SimpleUploadedFile("p.jpg", JPEG, "image/jpeg")),
    )
    without = client.post("/cases/report/", anonymous_report_form(world))
    # then the first is refused whole, in words at the photo field; the second is taken
    assert with_photo.status_code == 400
    assert FULL in with_photo.content.decode()
    assert without.status_code in (200, 302)
    assert Case.objects.count() == 1 and Attachment.objects.count() == 0
    assert stored_files(disk_full) == []


def test_api_photo_on_a_full_disk_is_507_at_the_file_field(world, disk_full):
    # given a case in progress and its handler
    case = CaseFactory.in_progress(world)
    client = client_for(world.handler)
    # when
    response = client.post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("x.png", PNG)},
    )
    # then: a 5xx the phone app resends on, with the field and a Chinese message
    assert response.status_code == 507
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "file"] and FULL in error["msg"]
    assert error["type"] == "storage_full"
    assert Attachment.objects.count() == 0
    # and the rest of the API goes on
    assert client.get(f"/api/cases/{case.pk}").status_code == 200


def test_a_full_disk_refuses_before_the_photo_is_decoded(world, disk_full, monkeypatch):
    # given photos whose decoding and re-encoding is the costly part of a refused step
    from wangge.cases.services import photos

    decoded = []
    monkeypatch.setattr(photos, "photo_prepare", lambda data: decoded.append(data))
    case = CaseFactory.in_progress(world)
    # when a photo comes while the disk is full
    response = client_for(world.handler).post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile("x.png", PNG)},
    )
    # then it is refused without being decoded
    assert response.status_code == 507 and decoded == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enospc_while_writing_refuses_the_step_whole_and_leaves_no_file(world, settings, monkeypatch):
    # given a disk that fills up after the first file is written (a transactional test:
    # the report's transaction is the outermost one, as in production)
    real_save = FileSystemStorage._save
    written = []

    def save_until_full(self, name, content):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_until_full)
    # when a resident reports with a photo (photo and thumbnail: two writes)
    response = Client().post(
        "/cases/report/",
        anonymous_report_form(world, photo=SimpleUploadedFile("p.jpg", JPEG, "image/jpeg")),
    )
    # then refused in words; no case, no attachment, the first file removed again
    assert response.status_code == 400
    assert FULL in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert written and stored_files(settings) == []


def test_resolve_with_photo_on_a_full_disk_then_resend_lands_once(world, settings):
    # given a handler resolving with a result photo while the disk is full
    case = CaseFactory.in_progress(world)
    client = client_for(world.handler)
    url = f"/api/cases/{case.pk}/attachments"
    settings.WANGGE_UPLOAD_RESERVE_MB = 10**9
    refused = client.post(
        url, {"kind": "result", "file": SimpleUploadedFile("x.png", PNG)},
        headers={"Idempotency-Key": "photo-1"},
    )
    # when space is freed and the phone resends
    settings.WANGGE_UPLOAD_RESERVE_MB = 0
    resent = client.post(
        url, {"kind": "result", "file": SimpleUploadedFile("x.png", PNG)},
        headers={"Idempotency-Key": "photo-1"},
    )
    # then one photo
    assert refused.status_code == 507 and resent.status_code == 201
    assert Attachment.objects.filter(case=case).count() == 1


def test_json_report_without_photos_is_taken_on_a_full_disk(world, disk_full):
    lat, lng = grid_point(world.grid)
    body = {"category_id": world.category.pk, "description": "路灯不亮", "lat": lat, "lng": lng}
    response = client_for(world.resident).post(
        "/api/cases", json.dumps(body), content_type="application/json",
        headers={"Idempotency-Key": "r-1"},
    )
    assert response.status_code == 201
    assert IdempotencyRecord.objects.count() == 1
