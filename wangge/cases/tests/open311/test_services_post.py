"""Open311 GeoReport v2 at /open311/v2/: the service list and definitions and posting a
request, in JSON and XML, the spec's element names and error format, api_key on POST."""


import pytest

from wangge.areas.models import Area
from wangge.cases.models import Case, Source, Status
from wangge.cases.tests.open311.support import (
    API_KEY,
    IN_GRID,
    PNG,
    as_dict,
    report,
    xml,
)

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
