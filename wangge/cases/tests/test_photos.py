"""Photos are decoded and verified (Pillow), refused above the pixel limit or when they
carry markup, stored re-encoded without metadata and with a thumbnail — on every upload
path: cases API, Open311, the report page, the case page and the patrols API."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wangge.cases.models import Attachment, Case
from wangge.cases.photos import THUMBNAIL_SIDE
from wangge.testing.cases import JPEG, CaseFactory, anonymous_report_form, grid_point, image_bytes

NOT_AN_IMAGE = "无法读取该文件：照片只能是 JPEG、PNG 或 WebP 图片"
MARKUP = "照片中夹带了网页或脚本内容，已拒绝"
TOO_MANY_PIXELS = "图片像素过多"
GPS_IFD = 0x8825


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def huge_png(side: int = 30000) -> bytes:
    """A 900-megapixel PNG header over a few compressed bytes (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


JPEG_THEN_HTML = b"\xff\xd8\xff\xe0" + b"<html><body><script>alert(document.cookie)</script>"
VALID_JPEG_THEN_HTML = JPEG + b"<!DOCTYPE html><script>alert(1)</script>"


def jpeg_with_gps(size=(640, 480)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[GPS_IFD] = {1: "N", 2: (40.0, 39.0, 27.0), 3: "E", 4: (109.0, 50.0, 25.0)}
    return image_bytes("JPEG", size, exif=exif, comment=b"home of Zhang San")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attach(world, data: bytes, name="x.jpg"):
    case = CaseFactory.in_progress(world)
    response = client_for(world.handler).post(
        f"/api/cases/{case.pk}/attachments",
        {"kind": "result", "file": SimpleUploadedFile(name, data)},
    )
    return case, response


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (huge_png(), TOO_MANY_PIXELS),
        (JPEG_THEN_HTML, MARKUP),
        (VALID_JPEG_THEN_HTML, MARKUP),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, NOT_AN_IMAGE),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, NOT_AN_IMAGE),
        (JPEG[: len(JPEG) // 2], NOT_AN_IMAGE),
        (b"GIF89a" + b"\x00" * 64, NOT_AN_IMAGE),
    ],
    ids=[
        "900-megapixel-png",
        "jpeg-magic-then-html",
        "jpeg-then-html",
        "png-magic",
        "jpeg-magic",
        "truncated-jpeg",
        "gif",
    ],
)
def test_api_refuses_what_is_not_a_usable_image_on_the_file_field(world, data, message):
    # when
    _, response = attach(world, data)
    # then: a field-level answer in Chinese, nothing stored
    assert response.status_code == 400
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert message in error["msg"]
    assert Attachment.objects.count() == 0


def test_pixel_limit_is_a_setting(world, settings):
    settings.WANGGE_CASE_PHOTO_MAX_PIXELS = 100 * 100
    _, refused = attach(world, image_bytes("PNG", (101, 100)))
    _, accepted = attach(world, image_bytes("PNG", (100, 100)))
    assert refused.status_code == 400 and TOO_MANY_PIXELS in refused.json()["detail"][0]["msg"]
    assert accepted.status_code == 201


def test_stored_photo_is_re_encoded_without_metadata_and_has_a_thumbnail(world):
    # given a phone photo with GPS position, maker and a comment in its metadata
    original = jpeg_with_gps()
    # when it is uploaded
    case, response = attach(world, original)
    # then what is stored is a fresh JPEG without any of it, turned upright
    assert response.status_code == 201
    attachment = Attachment.objects.get(pk=response.json()["id"])
    stored = attachment.file.read()
    assert stored != original
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (480, 640)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "comment" not in image.info
    assert b"Zhang San" not in stored and b"PhoneMaker" not in stored
    assert (attachment.content_type, attachment.size) == ("image/jpeg", len(stored))
    assert (attachment.width, attachment.height) == (480, 640)
    # and a thumbnail, also without metadata
    thumbnail = Image.open(attachment.thumbnail.open("rb"))
    assert max(thumbnail.size) == THUMBNAIL_SIDE and dict(thumbnail.getexif()) == {}


def test_report_page_refuses_a_polyglot_on_the_photo_field(client, world):
    data = anonymous_report_form(
        world, photo=SimpleUploadedFile("p.jpg", VALID_JPEG_THEN_HTML, content_type="image/jpeg")
    )
    response = client.post("/cases/report/", data)
    assert response.status_code == 400
    assert MARKUP in response.content.decode()
    assert Case.objects.count() == 0


def test_report_page_stores_a_clean_copy(client, world):
    data = anonymous_report_form(
        world, photo=SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    )
    assert client.post("/cases/report/", data).status_code == 302
    stored = Attachment.objects.get().file.read()
    assert b"PhoneMaker" not in stored and dict(Image.open(io.BytesIO(stored)).getexif()) == {}


def test_case_page_resolve_refuses_a_huge_png(client, world):
    case = CaseFactory.in_progress(world)
    client.force_login(world.handler)
    response = client.post(
        f"/cases/{case.pk}/act/resolve/",
        {
            "version": case.version,
            "result": "已更换灯泡",
            "photo": SimpleUploadedFile("r.png", huge_png(), content_type="image/png"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert TOO_MANY_PIXELS in response.content.decode()
    case.refresh_from_db()
    assert case.status == "in_progress" and Attachment.objects.count() == 0


def test_open311_post_refuses_html_behind_a_jpeg_signature(client, world, settings):
    settings.WANGGE_OPEN311_API_KEYS = ["k"]
    lat, lng = grid_point(world.grid)
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": "k",
            "service_code": "C0103",
            "lat": str(lat),
            "long": str(lng),
            "media": SimpleUploadedFile("m.jpg", JPEG_THEN_HTML, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 400
    assert response.json()[0]["description"] == f"media：{MARKUP}"
    assert Case.objects.count() == 0


def test_photos_stored_before_verification_are_re_encoded_by_command(world):
    # given a photo stored the old way: the uploaded bytes, GPS and all, no thumbnail
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    case = CaseFactory.reported(world)
    legacy = Attachment(case=case, kind="report", content_type="image/jpeg", size=1, token="t1")
    legacy.file.save("legacy.jpg", ContentFile(jpeg_with_gps()), save=True)
    # when
    call_command("reencode_photos", stdout=io.StringIO())
    # then
    legacy.refresh_from_db()
    stored = legacy.file.read()
    assert b"PhoneMaker" not in stored and dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert legacy.thumbnail and legacy.size == len(stored)
