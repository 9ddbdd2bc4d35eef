"""Issue 17, fault "upload disk full", from the phone app: a finding with a photo is
refused 507 (a 5xx, so the app's outbox keeps the record and resends it), in words at
the photo field; once space is freed the resend with the same Idempotency-Key lands once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.cases.models import Attachment, Case, Category
from wangge.core.models import IdempotencyRecord
from wangge.testing.cases import PNG


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_phone_finding_with_photo_on_a_full_disk_is_resent_later_and_lands_once(world, settings):
    # given a grid worker's phone and a full upload disk
    client = Client()
    client.force_login(world.worker_a)
    category = Category.objects.filter(active=True, numchild=0).order_by("path").first()
    form = {
        "grid_id": world.g1.id,
        "category_id": category.id,
        "description": "井盖缺失",
        "lat": "40.51",
        "lng": "109.81",
    }

    def send():
        return client.post(
            "/api/patrols/findings",
            {**form, "photo": SimpleUploadedFile("a.png", PNG, "image/png")},
            headers={"Idempotency-Key": "k-full"},
        )

    settings.WANGGE_UPLOAD_RESERVE_MB = 10**9
    # when the phone sends its finding
    refused = send()
    # then a 5xx naming the photo, in words; nothing kept
    assert refused.status_code == 507
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["body", "photo"] and "照片存储空间已满" in error["msg"]
    assert Case.objects.count() == 0 and IdempotencyRecord.objects.count() == 0
    # when space is freed and the outbox resends (twice: a timeout on the way back)
    settings.WANGGE_UPLOAD_RESERVE_MB = 0
    first, again = send(), send()
    # then one case with its photo
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1
