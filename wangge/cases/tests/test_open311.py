"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, the spec's
element names and error format, api_key on POST, public categories only."""

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from wangge.areas.models import Area
from wangge.cases.models import Case, Category, Source, Status
from wangge.cases.services import case_report, case_transition
from wangge.core import clock
from wangge.testing.cases import image_bytes
from wangge.testing.worlds import Open311World as World
from wangge.testing.worlds import build_open311_world

API_KEY = "test-open311-key"
# Inside the first grid of build_city() (south-west corner 40.5, 109.8, side 0.01).
IN_GRID = {"lat": "40.505", "long": "109.805"}
PNG = image_bytes("PNG")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(world: World, *, category=None, description="路口有暴露垃圾", **extra) -> Case:
    arguments = {"lat": 40.505, "lng": 109.805, "address": "测试路1号"} | extra
    return case_report(
        actor=None,
        category=category or world.leaf,
        description=description,
        source=Source.RESIDENT,
        **arguments,
    )


@pytest.fixture
def world(city, settings) -> World:
    settings.WANGGE_OPEN311_API_KEYS = [API_KEY, "another-key"]
    return build_open311_world(city)


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def as_dict(element: ET.Element) -> dict:
    return {child.tag: child.text for child in element}


# --------------------------------------------------------------------------- services


def test_service_list_json_offers_public_leaf_categories(client, world):
    # when
    response = client.get("/open311/v2/services.json")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == [
        {
            "service_code": "X0101",
            "service_name": "测试垃圾",
            "description": "测试市容 / 测试垃圾",
            "metadata": True,
            "type": "realtime",
            "keywords": None,
            "group": "测试市容",
        }
    ]


def test_service_list_xml_has_services_root_and_service_elements(client, world):
    # when
    root = xml(client.get("/open311/v2/services.xml"))
    # then
    assert root.tag == "services"
    assert [element.tag for element in root] == ["service"]
    assert as_dict(root[0]) == {
        "service_code": "X0101",
        "service_name": "测试垃圾",
        "description": "测试市容 / 测试垃圾",
        "metadata": "true",
        "type": "realtime",
        "keywords": None,
        "group": "测试市容",
    }


def test_service_definition_lists_attributes_in_both_formats(client, world):
    # when
    definition = client.get("/open311/v2/services/X0101.json").json()
    root = xml(client.get("/open311/v2/services/X0101.xml"))
    # then
    assert definition["service_code"] == "X0101"
    assert [a["code"] for a in definition["attributes"]] == ["area", "anonymous"]
    area = definition["attributes"][0]
    assert area["datatype"] == "singlevaluelist" and area["required"] is False
    assert area["order"] == 1 and area["variable"] is True
    assert {
        "key": world.community.code,
        "name": f"{Area.objects.get_parent(world.community).name} / {world.community.name}",
    } in area["values"]
    assert len(area["values"]) == Area.objects.filter(kind="community").count()
    assert definition["attributes"][1]["values"] == [
        {"key": "false", "name": "实名"},
        {"key": "true", "name": "匿名"},
    ]
    assert root.tag == "service_definition"
    assert root.find("service_code").text == "X0101"
    attributes = root.find("attributes").findall("attribute")
    assert [a.find("code").text for a in attributes] == ["area", "anonymous"]
    assert attributes[1].find("required").text == "false"
    values = attributes[1].find("values").findall("value")
    assert [(v.find("key").text, v.find("name").text) for v in values] == [
        ("false", "实名"),
        ("true", "匿名"),
    ]


def test_a_class_with_sub_classes_still_has_a_definition(client, world):
    # when
    response = client.get("/open311/v2/services/X01.json")
    # then
    assert response.status_code == 200
    assert response.json()["service_code"] == "X01"


@pytest.mark.parametrize("code", ["X02", "NOPE"])
def test_unknown_or_hidden_service_definition_is_a_404_error(client, world, code):
    # when
    as_json = client.get(f"/open311/v2/services/{code}.json")
    as_xml = client.get(f"/open311/v2/services/{code}.xml")
    # then
    assert as_json.status_code == 404
    assert as_json.json() == [{"code": 404, "description": f"未找到服务 service_code={code}"}]
    assert as_xml.status_code == 404
    root = xml(as_xml)
    assert root.tag == "errors"
    assert [as_dict(e) for e in root.findall("error")] == [
        {"code": "404", "description": f"未找到服务 service_code={code}"}
    ]


# --------------------------------------------------------------------------- POST requests


def test_post_json_creates_one_case_and_returns_id_and_token(client, world):
    # when
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": API_KEY,
            "service_code": "X0101",
            "description": "垃圾桶满溢",
            "address_string": "测试路8号",
            "first_name": "小明",
            "last_name": "王",
            "phone": "13812345678",
            "jurisdiction_id": "baotou",
            **IN_GRID,
        },
    )
    # then
    assert response.status_code == 200
    case = Case.objects.get()
    assert response.json() == [
        {
            "service_request_id": case.number,
            "token": case.token,
            "service_notice": f"已收到上报，案件编号 {case.number}，可凭 token 查询办理进度。",
            "account_id": None,
        }
    ]
    assert case.source == Source.OPEN311 and case.status == Status.REPORTED
    assert case.category == world.leaf and case.grid == world.grid
    assert case.description == "垃圾桶满溢" and case.address == "测试路8号"
    assert case.reporter_name == "王小明" and case.anonymous is False
    assert "13812345678" not in case.reporter_phone_enc


def test_post_xml_with_address_and_area_attribute_anonymous(client, world):
    # when
    response = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": "another-key",
            "service_code": "X0101",
            "address_string": "测试路9号",
            "attribute[area]": world.community.code,
            "attribute[anonymous]": "true",
            "first_name": "小明",
            "phone": "13812345678",
        },
    )
    # then
    assert response.status_code == 200
    case = Case.objects.get()
    root = xml(response)
    assert root.tag == "service_requests"
    assert [as_dict(r) for r in root.findall("request")] == [
        {
            "service_request_id": case.number,
            "token": case.token,
            "service_notice": f"已收到上报，案件编号 {case.number}，可凭 token 查询办理进度。",
            "account_id": None,
        }
    ]
    assert case.area_path == world.community.path and case.grid is None
    assert case.anonymous is True and case.reporter_name == "" and case.reporter_phone_enc == ""
    # no description sent: the service name stands in for it
    assert case.description == "测试垃圾" and case.lat is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("api_key", "status", "description"),
    [("", 403, "api_key 无效，不能提交服务请求"), ("wrong", 403, "api_key 无效，不能提交服务请求")],
)
def test_post_without_a_valid_api_key_is_refused_and_creates_nothing(
    client, world, fmt, api_key, status, description
):
    # when
    response = client.post(
        f"/open311/v2/requests.{fmt}", {"api_key": api_key, "service_code": "X0101", **IN_GRID}
    )
    # then
    assert response.status_code == status
    if fmt == "json":
        assert response.json() == [{"code": status, "description": description}]
    else:
        assert [as_dict(e) for e in xml(response)] == [
            {"code": str(status), "description": description}
        ]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({}, "缺少 service_code"),
        ({"service_code": "X02"}, "未找到服务 service_code=X02"),
        ({"service_code": "X0101", "lat": "40.5"}, "lat 与 long 须同时提供"),
        (
            {"service_code": "X0101", "lat": "north", "long": "109"},
            "lat 必须是数字（WGS84 经纬度）",
        ),
        (
            {"service_code": "X0101", "description": "无位置"},
            "须提供位置：lat/long、address_string 或 address_id 之一",
        ),
        (
            {"service_code": "X0101", "address_string": "某路"},
            "仅凭地址无法确定承办网格：请提供 lat/long 或 attribute[area]",
        ),
        (
            {"service_code": "X0101", "attribute[colour]": "red", **IN_GRID},
            "未知的属性 attribute[colour]",
        ),
        (
            {"service_code": "X0101", "attribute[area]": "000", "address_string": "某路"},
            "未找到社区 attribute[area]=000",
        ),
        (
            {"service_code": "X0101", "media_url": "ftp://x/y.jpg", **IN_GRID},
            "media_url 须是 http(s) 地址",
        ),
        (
            {"service_code": "X0101", "lat": "10", "long": "10"},
            "lat/long：无法确定问题所在网格：请在地图上选点，或选择所在社区/网格",
        ),
    ],
)
def test_post_with_bad_parameters_is_a_400_error_and_creates_nothing(
    client, world, params, description
):
    # when
    response = client.post("/open311/v2/requests.json", {"api_key": API_KEY, **params})
    # then
    assert response.status_code == 400
    errors = response.json()
    assert errors == [{"code": 400, "description": description}]
    assert Case.objects.count() == 0


def test_post_with_a_bad_phone_names_the_parameter(client, world):
    # when
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": API_KEY, "service_code": "X0101", "phone": "12345", **IN_GRID},
    )
    # then
    assert response.status_code == 400
    (error,) = response.json()
    assert error["code"] == 400 and error["description"].startswith("phone：")
    assert Case.objects.count() == 0


def test_post_with_a_photo_publishes_it_as_media_url(client, world):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("x.png", PNG, content_type="image/png")
    # when
    created = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": API_KEY,
            "service_code": "X0101",
            "media": photo,
            "media_url": "https://example.org/p/1.jpg",
            **IN_GRID,
        },
    )
    # then
    assert created.status_code == 200
    case = Case.objects.get()
    assert case.description == "测试垃圾\n附件链接：https://example.org/p/1.jpg"
    attachment = case.attachments.get()
    row = client.get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert row["media_url"] == f"http://testserver/open311/v2/media/{attachment.token}"
    served = client.get(f"/open311/v2/media/{attachment.token}")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == attachment.file.open("rb").read()


def test_media_of_a_hidden_category_is_not_served(client, world):
    # given
    case = report(world, category=world.hidden, photos=[PNG])
    # when
    response = client.get(f"/open311/v2/media/{case.attachments.get().token}")
    # then
    assert response.status_code == 404


def test_post_is_csrf_exempt(world):
    # given a client that enforces CSRF like a browser-less 311 app would meet
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    # when
    response = strict.post(
        "/open311/v2/requests.json", {"api_key": API_KEY, "service_code": "X0101", **IN_GRID}
    )
    # then
    assert response.status_code == 200
    assert Case.objects.count() == 1


# --------------------------------------------------------------------------- GET requests


def test_get_request_json_has_every_spec_field(client, world):
    # given
    case = report(world)
    # when
    rows = client.get(f"/open311/v2/requests/{case.number}.json").json()
    # then
    case.refresh_from_db()
    assert len(rows) == 1 and list(rows[0]) == REQUEST_FIELDS
    local = clock.LOCAL_TZ
    assert rows[0] == {
        "service_request_id": case.number,
        "status": "open",
        "status_notes": "已收到上报，等待受理",
        "service_name": "测试垃圾",
        "service_code": "X0101",
        # the reporter's own words are never published: the service's name stands in
        "description": "测试垃圾",
        "agency_responsible": world.community.name,
        "service_notice": None,
        "requested_datetime": case.created_at.astimezone(local).isoformat(timespec="seconds"),
        "updated_datetime": case.updated_at.astimezone(local).isoformat(timespec="seconds"),
        "expected_datetime": None,
        # coarsened to the street and community (test_public_privacy.py has the details)
        "address": f"{Area.objects.get_parent(world.community).name} {world.community.name}",
        "address_id": None,
        "zipcode": None,
        "lat": 40.505,
        "long": 109.805,
        "media_url": None,
    }
    assert rows[0]["requested_datetime"].endswith("+08:00")


def test_get_request_xml_after_dispatch_names_the_agency_and_deadline(client, world):
    # given
    case = report(world)
    case_transition(actor=world.dispatcher, case_id=case.pk, action="dispatch")
    case.refresh_from_db()
    # when
    root = xml(client.get(f"/open311/v2/requests/{case.number}.xml"))
    # then
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    fields = as_dict(request)
    assert list(fields) == REQUEST_FIELDS
    assert fields["status"] == "open"
    assert fields["status_notes"] == "已派遣至承办单位"
    assert fields["agency_responsible"] == "测试城管局"
    assert fields["expected_datetime"] == case.resolve_due_at.astimezone(clock.LOCAL_TZ).isoformat(
        timespec="seconds"
    )
    assert fields["lat"] == "40.505" and fields["long"] == "109.805"
    assert fields["address_id"] is None and fields["media_url"] is None


def test_rejected_case_is_closed_with_a_fixed_note_not_the_staff_reason(client, world):
    # given
    case = report(world)
    case_transition(actor=world.dispatcher, case_id=case.pk, action="reject", reason="重复上报")
    # when
    row = client.get(f"/open311/v2/requests/{case.number}.json").json()[0]
    # then
    assert row["status"] == "closed"
    assert row["status_notes"] == "已作废"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_hidden_request_is_a_404_error(client, world, fmt):
    # given
    hidden = report(world, category=world.hidden)
    for number in ("000", hidden.number):
        # when
        response = client.get(f"/open311/v2/requests/{number}.{fmt}")
        # then
        assert response.status_code == 404
        description = f"未找到服务请求 service_request_id={number}"
        if fmt == "json":
            assert response.json() == [{"code": 404, "description": description}]
        else:
            assert [as_dict(e) for e in xml(response)] == [
                {"code": "404", "description": description}
            ]


def test_request_list_filters_by_status_service_and_ids(client, world):
    # given
    first = report(world, description="一")
    second = report(world, description="二")
    rejected = report(world, description="三")
    report(world, category=world.hidden, description="隐藏")
    case_transition(actor=world.dispatcher, case_id=rejected.pk, action="reject", reason="无效")

    def ids(query: str, fmt: str = "json") -> list[str]:
        response = client.get(f"/open311/v2/requests.{fmt}{query}")
        assert response.status_code == 200
        if fmt == "xml":
            root = xml(response)
            assert root.tag == "service_requests"
            return [r.find("service_request_id").text for r in root.findall("request")]
        return [row["service_request_id"] for row in response.json()]

    # then: newest first, public categories only
    assert ids("") == [rejected.number, second.number, first.number]
    assert ids("", "xml") == [rejected.number, second.number, first.number]
    assert ids("?status=open") == [second.number, first.number]
    assert ids("?status=closed") == [rejected.number]
    assert ids("?status=open,closed") == [rejected.number, second.number, first.number]
    assert ids("?service_code=X0101") == [rejected.number, second.number, first.number]
    assert ids("?service_code=X01") == [rejected.number, second.number, first.number]
    assert ids(f"?service_request_id={first.number},{second.number}&status=closed") == [
        second.number,
        first.number,
    ]


def test_request_list_date_window(client, world):
    # given one case 100 days old and one 10 days old
    old, recent = report(world, description="旧"), report(world, description="新")
    now = clock.now()
    Case.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=100))
    Case.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=10))

    def ids(query: str) -> list[str]:
        return [
            row["service_request_id"]
            for row in client.get(f"/open311/v2/requests.json{query}").json()
        ]

    # then: the default window is the last 90 days
    assert ids("") == [recent.number]
    start = (now - timedelta(days=120)).astimezone(clock.LOCAL_TZ)
    end = (now - timedelta(days=50)).astimezone(clock.LOCAL_TZ)
    assert ids(f"?start_date={start.date().isoformat()}") == [old.number]
    # an unencoded "+08:00" arrives as " 08:00" and is still understood
    assert ids(
        f"?start_date={start.isoformat(timespec='seconds')}&end_date="
        f"{end.isoformat(timespec='seconds')}"
    ) == [old.number]
    assert ids(f"?end_date={(now - timedelta(days=20)).date().isoformat()}") == [old.number]


@pytest.mark.parametrize(
    ("query", "description"),
    [
        (
            "?start_date=2024-01-01&end_date=2024-06-01",
            "start_date 与 end_date 的跨度不能超过 90 天",
        ),
        ("?start_date=2024-03-01&end_date=2024-02-01", "end_date 不能早于 start_date"),
        (
            "?start_date=yesterday",
            "start_date 不是有效的 W3C 日期时间（如 2024-05-01T00:00:00+08:00）",
        ),
        ("?status=pending", "status 只能是 open 或 closed（可用逗号分隔）"),
        ("?service_code=NOPE", "未找到服务 service_code=NOPE"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_list_bad_filters_are_400_errors(client, world, query, description, fmt):
    # when
    response = client.get(f"/open311/v2/requests.{fmt}{query}")
    # then
    assert response.status_code == 400
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": description}]
    else:
        assert [as_dict(e) for e in xml(response)] == [{"code": "400", "description": description}]


# --------------------------------------------------------------------------- tokens, misc


def test_token_resolves_to_the_request_id_in_both_formats(client, world):
    # given
    case = report(world)
    # when
    as_json = client.get(f"/open311/v2/tokens/{case.token}.json")
    as_xml = client.get(f"/open311/v2/tokens/{case.token}.xml")
    # then
    assert as_json.json() == [{"service_request_id": case.number, "token": case.token}]
    root = xml(as_xml)
    assert root.tag == "service_requests"
    assert [as_dict(r) for r in root.findall("request")] == [
        {"service_request_id": case.number, "token": case.token}
    ]
    missing = client.get("/open311/v2/tokens/not-a-token.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "未找到该 token 对应的服务请求"}]


def test_lists_never_carry_the_token_or_the_reporter(client, world):
    # given
    case = report(world, reporter_name="王小明", reporter_phone="13812345678")
    # when
    body = client.get("/open311/v2/requests.json").content.decode()
    body += client.get("/open311/v2/requests.xml").content.decode()
    # then
    assert case.number in body
    assert case.token not in body
    assert "王小明" not in body and "13812345678" not in body and "5678" not in body


def test_wrong_method_is_a_405_error(client, world):
    # when
    response = client.post("/open311/v2/services.json")
    # then
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert json.loads(response.content) == [{"code": 405, "description": "只支持 GET 请求"}]


def test_xml_drops_characters_xml_cannot_carry(client, world):
    # given a service whose name carries a control character and markup
    Category.objects.filter(pk=world.leaf.pk).update(name="坏字符\x01结束 <b>&")
    case = report(world)
    # when
    root = xml(client.get(f"/open311/v2/requests/{case.number}.xml"))
    # then
    assert root.find("request").find("description").text == "坏字符结束 <b>&"
