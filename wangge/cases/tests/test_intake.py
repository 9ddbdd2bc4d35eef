"""Staff intake (上报事件): a call, a visit, a patrol or a letter entered by staff, inside
their own area scope, through the one intake service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.cases.models import Case, Source
from wangge.cases.tests.factories import PNG, grid_point
from wangge.core import crypto

pytestmark = pytest.mark.django_db


def intake_form(world, grid=None, **extra) -> dict:
    lat, lng = grid_point(grid or world.grid)
    return {
        "channel": "hotline",
        "reporter_name": "赵六",
        "reporter_phone": "139-1234-5678",
        "category": str(world.category.pk),
        "description": "来电反映：小区门口路灯不亮",
        "lat": str(lat),
        "lng": str(lng),
        "coord_system": "wgs84",
        **extra,
    }


def test_community_staff_enter_a_hotline_call_with_photos(client, world):
    # given community staff signed in
    client.force_login(world.community_staff)
    photos = [
        SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        SimpleUploadedFile("b.png", PNG, content_type="image/png"),
    ]

    # when they enter a call in their grid
    response = client.post("/cases/intake/", {**intake_form(world), "photos": photos})

    # then the case is opened from the hotline, with the caller's contact, and the staff
    # member lands on its page
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.source == Source.HOTLINE
    assert case.grid == world.grid
    assert case.reporter == world.community_staff
    assert case.reporter_name == "赵六"
    assert crypto.decrypt(case.reporter_phone_enc) == "13912345678"
    assert case.attachments.filter(kind="report").count() == 2


@pytest.mark.parametrize("channel", ["walk_in", "patrol", "letter"])
def test_each_channel_is_recorded_as_the_case_source(client, world, channel):
    client.force_login(world.community_staff)

    client.post("/cases/intake/", intake_form(world, channel=channel, reporter_phone=""))

    assert Case.objects.get().source == channel


def test_a_place_outside_the_staff_scope_is_refused_and_nothing_is_filed(client, world):
    # given community staff of one community
    client.force_login(world.community_staff)

    # when they put the problem in a grid of another district
    response = client.post("/cases/intake/", intake_form(world, grid=world.other_grid))

    # then the form says so and no case exists
    assert response.status_code == 403
    assert "该位置不在您负责的区域内" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_searched_place_outside_scope_is_refused_too(client, world):
    client.force_login(world.community_staff)
    form = intake_form(world, lat="", lng="", place_grid=str(world.other_grid.pk), address="某小区")

    response = client.post("/cases/intake/", form)

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_intake_needs_an_area_role(client, world):
    client.force_login(world.handler)

    page = client.get("/cases/intake/")
    post = client.post("/cases/intake/", intake_form(world))

    assert page.status_code == post.status_code == 404
    assert Case.objects.count() == 0


def test_the_work_list_button_opens_the_staff_form_not_the_citizen_form(client, world):
    client.force_login(world.community_staff)

    work_list = client.get("/cases/").content.decode()
    form = client.get("/cases/intake/").content.decode()

    assert 'id="intake-link" href="/cases/intake/"' in work_list
    assert 'name="channel" value="hotline"' in form and 'name="channel" value="letter"' in form
    assert 'id="place-q"' in form
    assert "匿名上报" not in form


def test_missing_location_is_asked_for(client, world):
    client.force_login(world.community_staff)

    response = client.post("/cases/intake/", intake_form(world, lat="", lng=""))

    assert response.status_code == 400
    assert "请搜索小区或楼栋、在地图上选点，或选择所在社区/网格" in response.content.decode()
    assert Case.objects.count() == 0
