"""Nothing personal is public: anonymous Open311 reads, the tracking page and its API show
only public requests (category flagged public, not raised during a household visit), at
a coarsened location (the estate or the community, never building, unit or flat), without
names or phones, and photos only by an unguessable token."""

import importlib
import json

import pytest
from django.apps import apps

from wangge.areas.models import Estate
from wangge.cases.models import Category, Evaluation, Status
from wangge.cases.open311.public import STATUS_NOTES, public_text
from wangge.cases.services import case_transition
from wangge.testing.cases import PNG, CaseFactory

FLAT = "幸福小区3号楼2单元301室"
PRIVATE_CODES = [
    "S0301",
    "S0302",
    "S0303",
    "S0401",
]  # 低保救助咨询 临时救助 残疾人帮扶 独居老人照护


def feed(client, **params):
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 200
    return response.json()


def test_social_assistance_and_care_categories_are_not_public_by_default(db):
    # then the seeded categories tied to social assistance and care tags are private
    private = dict(Category.objects.filter(code__in=PRIVATE_CODES).values_list("code", "public"))
    assert private == dict.fromkeys(PRIVATE_CODES, False)
    assert Category.objects.get(code="C0103").public is True  # 路灯不亮或损坏


@pytest.mark.parametrize("code", PRIVATE_CODES)
def test_private_category_cases_are_not_in_the_public_feed(client, world, code):
    # given a resident's report in a welfare category, at their flat
    case = CaseFactory.reported(world, category=Category.objects.get(code=code), address=FLAT)
    # when anyone reads the feed, the single request, or the token lookup
    listed = feed(client)
    single = client.get(f"/open311/v2/requests/{case.number}.json")
    by_token = client.get(f"/open311/v2/tokens/{case.token}.json")
    # then nothing is there
    assert listed == []
    assert single.status_code == 404 and by_token.status_code == 404


def test_a_visit_case_is_never_public_whatever_its_category(client, world):
    # given a need raised during a household visit, in a public category, resolved
    case = CaseFactory.resolved(world, address=FLAT, private=True)
    # then neither the feed, the single request, nor the tracking page shows it
    assert feed(client) == []
    assert client.get(f"/open311/v2/requests/{case.number}.xml").status_code == 404
    assert client.get(f"/cases/track/{case.token}/").status_code == 404
    assert client.get(f"/api/cases/track/{case.token}").status_code == 404
    # and nobody can give the verdict through the token either
    evaluated = client.post(
        f"/api/cases/track/{case.token}/evaluate",
        '{"rating": "satisfied"}',
        content_type="application/json",
    )
    assert evaluated.status_code == 404
    assert not Evaluation.objects.filter(case=case).exists()


def test_public_request_has_a_coarse_location_and_no_personal_details(client, world):
    # given an estate in the grid and a public report at a flat with contact details
    Estate.objects.create(grid=world.grid, name="幸福小区")
    case = CaseFactory.reported(
        world,
        address=FLAT,
        description="路灯不亮，请联系我 13812345678",
        reporter_name="王小明",
        reporter_phone="13812345678",
    )
    # when
    (row,) = feed(client)
    text = str(row)
    # then the location is the estate, never building, unit or flat
    assert row["service_request_id"] == case.number
    assert "幸福小区" in row["address"]
    assert all(part not in row["address"] for part in ("3号楼", "2单元", "301"))
    # and the point is rounded (about 100 m), not the reported one
    assert row["lat"] == round(case.lat, 3) and row["long"] == round(case.lng, 3)
    assert (row["lat"], row["long"]) != (case.lat, case.lng)
    # and no name or phone anywhere
    assert "王小明" not in text and "13812345678" not in text
    # and nothing the reporter wrote: the category's name stands in for the description
    assert row["description"] == case.category.name


def test_without_a_known_estate_the_location_is_the_community(client, world):
    CaseFactory.reported(world, address="人民路88号院5号楼")
    (row,) = feed(client)
    assert world.community.name in row["address"]
    assert "88" not in row["address"] and "5号楼" not in row["address"]


def test_photos_are_served_by_an_unguessable_token_and_only_for_public_requests(client, world):
    # given a public report and a private one, both with a photo
    public = CaseFactory.reported(world, photos=[PNG])
    private = CaseFactory.reported(world, category=Category.objects.get(code="S0302"), photos=[PNG])
    photo, hidden = public.attachments.get(), private.attachments.get()
    # when
    (row,) = feed(client)
    # then the URL names the photo's token, not its sequential id
    assert row["media_url"] == f"http://testserver/open311/v2/media/{photo.token}"
    assert len(photo.token) >= 32
    assert client.get(f"/open311/v2/media/{photo.token}").status_code == 200
    # and the old sequential address and the private photo's token serve nothing
    assert client.get(f"/open311/v2/media/{photo.pk}").status_code == 404
    assert client.get(f"/open311/v2/media/{hidden.token}").status_code == 404


def test_tracking_page_of_a_public_case_shows_a_coarse_location(client, world):
    case = CaseFactory.reported(world, address=FLAT, photos=[PNG])
    page = client.get(f"/cases/track/{case.token}/").content.decode()
    assert "301" not in page and "3号楼" not in page
    assert world.community.name in page


def test_tracking_a_private_category_case_shows_progress_only(client, world):
    # given a resident's own report of a welfare matter, with a photo
    case = CaseFactory.reported(
        world,
        category=Category.objects.get(code="S0302"),
        address=FLAT,
        description="家里困难，申请临时救助",
        photos=[PNG],
    )
    # when the link is opened (by the reporter or whoever was shown it)
    page = client.get(f"/cases/track/{case.token}/")
    api = client.get(f"/api/cases/track/{case.token}")
    # then progress is there, the matter, the place and the photos are not
    body = page.content.decode()
    assert page.status_code == 200 and case.number in body
    assert "临时救助" not in body and "301" not in body and "家里困难" not in body
    assert "/photos/" not in body
    assert api.status_code == 200 and "临时救助" not in api.content.decode()
    photo = case.attachments.get()
    assert client.get(f"/cases/track/{case.token}/photos/{photo.pk}/").status_code == 404


def test_data_migration_marks_existing_categories(world):
    # given the flag as it stood before the migration
    Category.objects.update(public=True)
    migration = importlib.import_module("wangge.cases.migrations.0006_category_public_case_private")
    # when
    migration.mark_private_categories(apps, None)
    # then
    assert not Category.objects.filter(code__in=PRIVATE_CODES, public=True).exists()
    assert Category.objects.get(code="C0103").public


PROBE = (
    "我是张建国，住欣园小区5号楼2单元301室，家里老人独居且低保。联系8613812345678 或"
    "＋86 １３９１２３４５６７８ 或 0472-5123456，身份证１５０２０２１９８００１０１１２３４"
)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_publishes_no_free_text_of_the_reporter_or_staff(client, world, fmt):
    # given a report in the reporter's own words, one resolved with a result, one rejected
    reported = CaseFactory.reported(world, description=PROBE)
    resolved = CaseFactory.resolved(world, description=PROBE)
    rejected = CaseFactory.reported(world, description=PROBE)
    case_transition(
        actor=world.community_staff,
        case_id=rejected.pk,
        action="reject",
        reason="张建国家 5号楼 独居老人，电话13812345678",
    )
    # when anyone reads the list and each single request
    bodies = [client.get(f"/open311/v2/requests.{fmt}").content.decode()]
    for case in (reported, resolved, rejected):
        bodies.append(client.get(f"/open311/v2/requests/{case.number}.{fmt}").content.decode())
    # then the description is the category's name and the notes a fixed phrase
    for body in bodies:
        for word in ("张建国", "5号楼", "301", "独居", "低保", "13812345678", "5123456", "灯泡"):
            assert word not in body, (word, body)
    assert world.category.name in bodies[0]
    rows = {row["service_request_id"]: row for row in feed(client)}
    assert {row["description"] for row in rows.values()} == {world.category.name}
    assert rows[rejected.number]["status_notes"] == STATUS_NOTES[Status.REJECTED]
    assert rows[resolved.number]["status_notes"] == STATUS_NOTES[Status.RESOLVED]


def test_public_text_masks_prefixed_full_width_and_landline_phones_and_flats():
    # when
    text = public_text(PROBE)
    # then no phone, landline, ID number or flat number is left readable
    for secret in ("13812345678", "13912345678", "5123456", "150202", "2单元", "301室"):
        assert secret not in text, (secret, text)
    assert "138****5678" in text and "139****5678" in text
    assert "*单元***室" in text
    for landline in ("(0472)5123456", "（0472）5123456", "0472 5123456", "04725123456"):
        assert "5123456" not in public_text(f"电话{landline}")
    # and ordinary numbers stay
    assert public_text("更换路灯2盏，清理垃圾3车。") == "更换路灯2盏，清理垃圾3车。"


def test_tracking_page_and_api_mask_the_answer(client, world):
    # given a public case resolved with an answer naming a flat and a prefixed phone
    case = CaseFactory.in_progress(world)
    case_transition(
        actor=world.handler,
        case_id=case.pk,
        action="resolve",
        result="已修复 3号楼2单元301室 门口路灯，联系+86 13812345678",
    )
    # when the token holder reads the page and the API
    page = client.get(f"/cases/track/{case.token}/").content.decode()
    api = client.get(f"/api/cases/track/{case.token}").content.decode()
    # then
    # (the flat as it was written: a bare "301" also turns up inside timestamps)
    api = json.dumps(json.loads(api), ensure_ascii=False)  # the answer as words, not \u escapes
    for body in (page, api):
        assert "301室" not in body and "13812345678" not in body and "2单元" not in body
