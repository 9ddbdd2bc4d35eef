"""Finding the spot (registry search, handling unit), 这也是我的问题 (follow instead of a
duplicate), 我的上报 (status by remembered token) and the tracking page's wording."""

import json

import pytest
from django.core.cache import cache

from wangge.areas.models import Area, Building, Estate
from wangge.audit.models import AuditEvent
from wangge.cases.followers import case_follower_phones
from wangge.cases.models import Attachment, Case, CaseEvent, CaseFollower, Category, Status
from wangge.cases.tests.factories import PNG, CaseFactory, grid_point
from wangge.core import crypto
from wangge.testing import make_household, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def estate(world):
    lat, lng = grid_point(world.grid)
    estate = Estate.objects.create(grid=world.grid, name="怡和嘉园", address="幸福路 8 号 怡和嘉园")
    Building.objects.create(
        grid=world.grid, estate=estate, name="1号楼", address="怡和嘉园1号楼", lat=lat, lng=lng
    )
    Building.objects.create(
        grid=world.grid, estate=estate, name="2号楼", address="怡和嘉园2号楼",
        lat=lat + 0.001, lng=lng + 0.001,
    )
    return estate


def search(client, q: str):
    return client.get("/cases/report/places/", {"q": q})


def test_search_finds_estate_and_building_by_name_typed_as_one(client, world, estate):
    # given a household with a resident living in building 1 (personal data in the registry)
    household = make_household(world.grid, code="H-YH-1")
    make_resident(household, name="李四", phone="13911112222")

    # when a resident types the estate and building as one word
    response = search(client, "怡和嘉园1号楼")

    # then the building is found with its handling community, and nothing personal
    assert response.status_code == 200
    rows = response.json()["results"]
    community = Area.objects.get(path=world.grid.path[:16])
    street = Area.objects.get(path=world.grid.path[:12])
    lat, lng = grid_point(world.grid)
    assert rows == [
        {
            "kind": "building",
            "name": "怡和嘉园1号楼",
            "lat": round(lat, 4),
            "lng": round(lng, 4),
            "grid_id": world.grid.pk,
            "grid": world.grid.name,
            "street": street.name,
            "community": community.name,
            "handler": f"将由 {street.name} {community.name} 处理",
        }
    ]
    body = response.content.decode()
    for secret in ("李四", "13911112222", "H-YH-1", "幸福路"):
        assert secret not in body


def test_search_by_estate_name_lists_estate_first_then_its_buildings(client, world, estate):
    rows = search(client, "怡和 嘉园").json()["results"]

    assert [(row["kind"], row["name"]) for row in rows] == [
        ("estate", "怡和嘉园"),
        ("building", "怡和嘉园1号楼"),
        ("building", "怡和嘉园2号楼"),
    ]
    # the estate's point is the middle of its buildings
    lat, lng = grid_point(world.grid)
    assert rows[0]["lat"] == round(lat + 0.0005, 4)


def test_search_answers_nothing_for_one_character_and_refuses_long_input(client, world, estate):
    assert search(client, "怡").json() == {"results": []}

    response = search(client, "怡" * 101)

    assert response.status_code == 400
    assert response.json() == {"error": "搜索内容最多 40 字"}


def test_search_is_throttled_per_client_ip(client, world, estate, settings):
    # given an allowance of three searches an hour
    settings.WANGGE_PLACE_SEARCHES_PER_HOUR = 3
    for _ in range(3):
        assert search(client, "怡和").status_code == 200

    # when the same address searches a fourth time
    response = search(client, "怡和")

    # then it is refused, and another address still may search
    assert response.status_code == 429
    assert response.json() == {"error": "搜索过于频繁，请稍后再试"}
    other = client.get("/cases/report/places/", {"q": "怡和"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_where_names_the_grid_and_the_handling_community(client, world):
    lat, lng = grid_point(world.grid)
    community = Area.objects.get(path=world.grid.path[:16])
    street = Area.objects.get(path=world.grid.path[:12])

    inside = client.get("/cases/report/where/", {"lat": lat, "lng": lng}).json()
    outside = client.get("/cases/report/where/", {"lat": 10, "lng": 10}).json()

    assert inside == {
        "grid": world.grid.name,
        "grid_id": world.grid.pk,
        "handler": f"将由 {street.name} {community.name} 处理",
    }
    assert outside == {"grid": None, "handler": ""}


def test_report_form_accepts_a_place_picked_from_the_search(client, world, estate):
    # when the resident picks the building's grid from the search without a map point
    response = client.post(
        "/cases/report/",
        {
            "category": str(world.category.pk),
            "description": "门口路灯不亮",
            "place_grid": str(world.grid.pk),
            "address": "怡和嘉园1号楼",
            "reporter_phone": "13812345678",
        },
    )

    # then the case lies in that grid and the phone is stored encrypted
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.grid == world.grid
    assert case.reporter_phone_enc.startswith("v1:")
    assert crypto.decrypt(case.reporter_phone_enc) == "13812345678"


def test_nearby_lists_open_public_cases_of_the_category_with_public_fields_only(client, world):
    # given an open case with the reporter's contact and a case of the same grid elsewhere
    case = CaseFactory.reported(
        world, description="路灯不亮 我电话13900001111", reporter_name="王五",
        reporter_phone="13900001111", address="怡和嘉园 3号楼 2单元",
    )
    lat, lng = grid_point(world.grid)

    response = client.get(
        "/cases/report/nearby/", {"category": world.category.pk, "lat": lat, "lng": lng}
    )

    rows = response.json()["results"]
    assert [row["number"] for row in rows] == [case.number]
    assert set(rows[0]) == {
        "number", "category", "status", "place", "lat", "lng", "age", "followers", "distance",
    }
    assert rows[0]["status"] == "已上报" and rows[0]["age"] == "今天"
    body = response.content.decode()
    for secret in ("王五", "13900001111", "3号楼", "路灯不亮 我"):
        assert secret not in body


def test_nearby_leaves_out_other_categories_far_points_and_resolved_cases(client, world):
    CaseFactory.reported(world)
    lat, lng = grid_point(world.grid)
    other_category = Category.objects.exclude(pk=world.category.pk).filter(depth=2).first()

    far = client.get("/cases/report/nearby/", {"category": world.category.pk, "lat": lat + 0.01, "lng": lng})
    other = client.get("/cases/report/nearby/", {"category": other_category.pk, "lat": lat, "lng": lng})
    Case.objects.update(status=Status.CLOSED)
    closed = client.get("/cases/report/nearby/", {"category": world.category.pk, "lat": lat, "lng": lng})

    assert far.json() == other.json() == closed.json() == {"results": []}


def follow(client, number: str, **extra):
    return client.post("/cases/report/follow/", {"number": number, **extra})


def test_follow_adds_one_follower_per_phone_and_no_case(client, world):
    # given an open public case
    case = CaseFactory.reported(world)

    # when a resident says "这也是我的问题" twice with the same phone (typed differently)
    first = follow(client, case.number, phone="138 1234 5678", device="dev-a")
    second = follow(client, case.number, phone="13812345678", device="dev-b")

    # then there is one follower, no second case, one event and one audit row
    assert first.status_code == second.status_code == 200
    assert first.json()["created"] is True and second.json()["created"] is False
    assert first.json()["token"] == second.json()["token"]
    assert first.json()["followers"] == 1
    assert Case.objects.count() == 1
    follower = CaseFollower.objects.get()
    assert follower.phone_enc.startswith("v1:") and "13812345678" not in follower.phone_enc
    assert case_follower_phones(case=case) == ["13812345678"]
    assert CaseEvent.objects.filter(case=case, action="follow").count() == 1
    audit = AuditEvent.objects.get(action="case_follow")
    assert audit.detail == {"number": case.number, "followers": 1, "with_phone": True}


def test_follow_by_device_is_idempotent_and_another_device_counts(client, world):
    case = CaseFactory.reported(world)

    follow(client, case.number, device="dev-a")
    follow(client, case.number, device="dev-a")
    last = follow(client, case.number, device="dev-b")

    assert last.json()["followers"] == 2
    assert CaseFollower.objects.filter(case=case).count() == 2


def test_follow_refuses_resolved_private_and_unknown_cases_and_bad_input(client, world):
    closed = CaseFactory.reported(world)
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    private = CaseFactory.reported(world, private=True)

    assert follow(client, closed.number, device="d1").status_code == 400
    assert follow(client, private.number, device="d1").status_code == 404
    assert follow(client, "2000010100001", device="d1").status_code == 404
    assert follow(client, private.number).status_code == 400  # neither phone nor device
    assert follow(client, closed.number, device="<script>").status_code == 400
    assert CaseFollower.objects.count() == 0


def test_follow_is_throttled_per_client_ip(client, world, settings):
    settings.WANGGE_CASE_FOLLOWS_PER_HOUR = 2
    case = CaseFactory.reported(world)
    follow(client, case.number, device="d1")
    follow(client, case.number, device="d2")

    refused = follow(client, case.number, device="d3")

    assert refused.status_code == 429
    assert CaseFollower.objects.count() == 2


def test_staff_case_page_shows_the_follower_count(client, world):
    case = CaseFactory.reported(world)
    follow(client, case.number, device="d1")
    follow(client, case.number, device="d2")
    client.force_login(world.community_staff)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert '<dd id="follower-count">2 <span class="muted small">' in page


def test_my_reports_status_reads_report_and_follow_tokens_only(client, world):
    reported = CaseFactory.reported(world)
    followed = CaseFactory.reported(world)
    token = follow(client, followed.number, device="d1").json()["token"]
    private = CaseFactory.reported(world, private=True)

    response = client.post(
        "/cases/mine/status/",
        {"tokens": ",".join([reported.token, token, private.token, "nonsense"])},
    )

    cases = response.json()["cases"]
    assert sorted(cases) == sorted([reported.token, token])
    assert cases[token]["followed"] is True and cases[token]["number"] == followed.number
    assert cases[reported.token]["status"] == "已上报"
    assert cases[reported.token]["note"] == "已收到上报，等待受理"
    assert client.get("/cases/mine/").status_code == 200


def test_followed_page_shows_progress_but_never_the_case_token_or_rating(client, world):
    case = CaseFactory.in_progress(world)
    token = follow(client, case.number, device="d1").json()["token"]

    page = client.get(f"/cases/followed/{token}/").content.decode()

    assert case.number in page and 'id="followed-note"' in page
    assert case.token not in page
    assert 'id="evaluate"' not in page
    assert client.get("/cases/followed/not-a-token/").status_code == 404


def test_tracking_page_names_the_handler_labels_photos_and_states_status_once(client, world):
    # given a closed case with a report photo and a result photo
    case = CaseFactory.in_progress(world)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    for kind in ("report", "result"):
        Attachment.objects.create(
            case=case, kind=kind, file=f"cases/{kind}.png", content_type="image/png",
            size=len(PNG), token=f"tok-{kind}",
        )

    page = client.get(f"/cases/track/{case.token}/").content.decode()

    assert f'<dd id="handling-unit">{world.department.name}</dd>' in page
    assert '<figcaption class="photo-label">上报</figcaption>' in page
    assert '<figcaption class="photo-label photo-result">处置</figcaption>' in page
    assert page.count("已结案") == 1
    assert 'id="status-note"' not in page


def test_new_report_page_lets_the_phone_remember_it_without_a_code(client, world):
    case = CaseFactory.reported(world)

    page = client.get(f"/cases/track/{case.token}/?new=1").content.decode()

    assert f'data-token="{case.token}" data-number="{case.number}"' in page
    assert "cases/my-reports.js" in page
    assert 'id="case-token"' not in page


def test_search_payload_is_json_with_chinese_names(client, world, estate):
    response = search(client, "嘉园")
    assert json.loads(response.content)["results"][0]["name"] == "怡和嘉园"
