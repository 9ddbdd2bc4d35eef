"""Open311 GeoReport v2 at /open311/v2/: reading requests (one, lists, filters, token
lookup) in JSON and XML, public categories only."""

import json
from datetime import timedelta

import pytest

from wangge.areas.models import Area
from wangge.cases.models import Case, Category
from wangge.cases.services import case_transition
from wangge.cases.tests.open311.support import (
    REQUEST_FIELDS,
    as_dict,
    report,
    xml,
)
from wangge.core import clock

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
