"""What the Open311 tests share: the API key, a small world of public and hidden
services, a report in it, and readers of the XML answers."""

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from wangge.accounts.models import Department, Role
from wangge.areas.models import Area
from wangge.cases.models import Case, Category, RoutingRule, Source
from wangge.cases.services import case_report
from wangge.cases.tests.factories import image_bytes
from wangge.testing import grids, make_user

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


@dataclass
class World:
    grid: Area
    community: Area
    department: Department
    group: Category
    leaf: Category
    hidden: Category
    dispatcher: object


def build_world(city) -> World:
    """Two public services (one class with one sub-class) and one hidden category,
    routed to a department; a community dispatcher for the first grid."""
    Category.objects.update(open311_enabled=False)
    group = Category.objects.add_root({"code": "X01", "name": "测试市容"})
    leaf = Category.objects.add_child(group, {"code": "X0101", "name": "测试垃圾"})
    hidden = Category.objects.add_root(
        {"code": "X02", "name": "测试救助", "open311_enabled": False}
    )
    grid = grids()[0]
    community = Area.objects.get_parent(grid)
    department = Department.objects.create(name="测试城管局", code="T-CG", area=city)
    RoutingRule.objects.create(category=group, area=city, handler_department=department)
    RoutingRule.objects.create(category=hidden, area=city, handler_department=department)
    dispatcher = make_user(Role.COMMUNITY_STAFF, community, username="dispatcher")
    # Someone handles the department's cases (nobody to handle them refuses a dispatch).
    make_user(Role.DEPARTMENT_HANDLER, department=department, username="cg-handler")
    return World(
        grid, community, department, group, Category.objects.get(pk=leaf.pk), hidden, dispatcher
    )


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
