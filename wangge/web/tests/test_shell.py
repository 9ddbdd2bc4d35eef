"""The shell: the public front door, the workbench's place, the menu, the URLconf and the
API assembled from the apps' own modules (issue 10 items 1 and 4, issue 11)."""

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.api.main import api
from wangge.areas.models import Area
from wangge.testing import make_user

pytestmark = pytest.mark.django_db

# The sidebar's order before the entries moved into the apps' nav.py.
MENU_ORDER = ["工作台", "居民", "户", "关爱人群统计", "数据导入", "审计日志", "账号与角色",
              "驾驶舱", "事件工作台", "网格员工作台", "巡查走访", "后台管理"]


def test_a_visitor_gets_the_public_front_door(client):
    # when someone not signed in opens the site
    response = client.get("/")
    page = response.content.decode()
    # then it is the public page: report, check my reports, and the staff sign-in
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "web/front.html"
    links = [(link["label"], link["url"]) for link in response.context["links"]]
    assert links[:3] == [("我要上报", "/cases/report/"), ("我的上报", "/cases/mine/"),
                         ("用查询码查询", "/cases/track/")]
    assert '<a href="/login/">工作人员登录</a>' in page
    assert "nav_items" not in response.context or response.context["nav_items"] == []


def test_a_resident_lands_on_the_front_door_after_signing_in(client, city):
    # given a resident account
    grid = Area.objects.filter(kind="grid").first()
    make_user(Role.RESIDENT, grid, username="res1", password="Secret-pass-123")
    # when they sign in
    response = client.post("/login/", {"username": "res1", "password": "Secret-pass-123"},
                           follow=True)
    # then they land on the front door, not an empty workbench
    assert [t.name for t in response.templates][0] == "web/front.html"
    assert "tiles" not in response.context
    assert "工作人员登录" not in response.content.decode()


def test_the_login_page_leads_back_to_the_front_door(client):
    page = client.get("/login/").content.decode()
    assert '<a href="/">居民上报、查询进度，请返回首页</a>' in page


def test_staff_land_on_their_workbench(client, city):
    # given a community worker
    community = Area.objects.filter(kind="community").first()
    client.force_login(make_user(Role.COMMUNITY_STAFF, community, username="cs"))
    # when they open the site
    response = client.get("/")
    # then it is their workbench, with their tiles
    assert [t.name for t in response.templates][0] == "web/home.html"
    assert "待立案" in [tile.label for tile in response.context["tiles"]]


@pytest.mark.parametrize(("role", "kind", "shown"), [
    (Role.COMMUNITY_STAFF, "community",
     ["工作台", "居民", "户", "关爱人群统计", "数据导入", "驾驶舱", "事件工作台", "巡查走访"]),
    (Role.GRID_WORKER, "grid", ["工作台", "居民", "户", "关爱人群统计", "事件工作台", "网格员工作台"]),
    (Role.AUDIT_ADMIN, None, ["工作台", "审计日志", "后台管理"]),
])
def test_the_menu_keeps_its_order_across_the_apps(client, city, role, kind, shown):
    # given a user of the role
    area = Area.objects.filter(kind=kind).first() if kind else None
    client.force_login(make_user(role, area, username="someone"))
    # when any page is drawn
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    # then the entries from every app's nav.py come in the sidebar's order (the test-only
    # example domain adds its own entry)
    assert [label for label in labels if label in MENU_ORDER] == shown
    assert shown == [label for label in MENU_ORDER if label in shown]


def test_every_page_keeps_its_path_and_name():
    # then the moved pages answer at the same paths under their app's namespace
    assert reverse("people:resident_list") == "/residents/"
    assert reverse("people:resident_detail", args=[3]) == "/residents/3/"
    assert reverse("people:household_list") == "/households/"
    assert reverse("people:care_tag_counts") == "/care-tags/"
    assert reverse("people:import") == "/people/import/"
    assert reverse("audit:list") == "/audit/"
    assert reverse("web:home") == "/"
    assert reverse("cases:work_list") == "/cases/"
    assert reverse("open311:services", kwargs={"fmt": "json"}) == "/open311/v2/services.json"
    assert reverse("patrols:app") == "/patrols/app/"
    assert reverse("indicators:home") == "/dashboard/"
    assert reverse("accounts:role_user_list") == "/account/roles/"


def test_the_api_mounts_every_apps_router_under_its_prefix():
    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    prefixes = {path.split("/")[2] for path in paths}
    assert {"areas", "people", "cases", "patrols"} <= prefixes
