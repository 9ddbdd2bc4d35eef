"""What the Open311 tests share: the API key, a small world of public and hidden
services, a report in it, and readers of the XML answers."""

from xml.etree import ElementTree as ET

from wangge.cases.models import Case, Source
from wangge.cases.services import case_report
from wangge.testing.cases import image_bytes
from wangge.testing.worlds import Open311World as World
from wangge.testing.worlds import build_open311_world as build_world  # noqa: F401 (shared by the tests)

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


def report(world: World, *, category=None, description="路口有暴露垃圾", **extra) -> Case:
    arguments = {"lat": 40.505, "lng": 109.805, "address": "测试路1号"} | extra
    return case_report(
        actor=None,
        category=category or world.leaf,
        description=description,
        source=Source.RESIDENT,
        **arguments,
    )


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def as_dict(element: ET.Element) -> dict:
    return {child.tag: child.text for child in element}
