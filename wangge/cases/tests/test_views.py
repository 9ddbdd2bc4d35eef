"""Case pages through the Django test client: the public report and tracking pages, the
staff work lists and the case page with only the actions the user may take."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.accounts.models import Role
from wangge.cases.models import Case, CaseEvent, Evaluation, Source, Status, SummonsResponse
from wangge.cases.services import case_transition, summons_issue
from wangge.core import crypto
from wangge.testing import make_user
from wangge.testing.cases import PNG, CaseFactory, grid_point

HX = {"HTTP_HX_REQUEST": "true"}
CONFLICT = "该案件已被他人处理，请刷新后重试"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_data(world, **extra) -> dict:
    lat, lng = grid_point(world.grid)
    data = {
        "category": str(world.category.pk),
        "description": "楼下路灯一直不亮",
        "lat": str(lat),
        "lng": str(lng),
        "coord_system": "wgs84",
        "address": "幸福路 12 号",
        "reporter_name": "王小明",
        "reporter_phone": "13812345678",
    }
    data.update(extra)
    return data


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return case.status, case.version, case.handler_department_id, case.events.count()


# --------------------------------------------------------------------------- report page


def test_report_page_is_public_and_carries_the_map(client, world):
    # when
    response = client.get("/cases/report/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "我要上报" in body
    assert 'id="report-map"' in body and "/static/vendor/leaflet/leaflet.js" in body
    assert 'data-tiles=""' in body  # no tile URL configured: the map works without tiles
    assert "路灯不亮或损坏" in body and world.community.name in body


def test_report_with_a_point_creates_a_case_and_shows_number_and_link(client, world):
    # when
    response = client.post("/cases/report/", report_data(world))
    # then
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/track/{case.token}/?new=1"
    assert (case.source, case.status, case.reporter) == (Source.RESIDENT, Status.REPORTED, None)
    assert case.grid == world.grid and case.address == "幸福路 12 号"
    assert case.reporter_name == "王小明"
    assert crypto.decrypt(case.reporter_phone_enc) == "13812345678"
    page = client.get(response["Location"]).content.decode()
    assert f"上报成功！案件编号 {case.number}" in page
    assert f'<span class="case-number" id="case-number">{case.number}</span>' in page
    assert f"http://testserver/cases/track/{case.token}/" in page


def test_report_with_a_community_and_an_address_but_no_point(client, world):
    # when
    response = client.post(
        "/cases/report/", report_data(world, lat="", lng="", community=str(world.community.pk))
    )
    # then
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.area_path == world.community.path and case.grid is None and case.lat is None


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        (
            {"lat": "", "lng": "", "address": ""},
            ["请在地图上点选位置，或选择所在社区", "未在地图上选点时，请填写详细地址"],
        ),
        ({"lat": "10", "lng": "10"}, ["所选位置不在本市网格范围内，请重新选点或选择所在社区"]),
        ({"description": ""}, ["这个字段是必填项。"]),
        ({"category": "999999"}, ["选择一个有效的选项。 999999 不在可用的选项中。"]),
        ({"reporter_phone": "123"}, ["电话号码格式不正确（手机号 11 位，固话如 0472-1234567）"]),
    ],
)
def test_report_with_bad_input_shows_errors_and_creates_nothing(client, world, extra, errors):
    # when
    response = client.post("/cases/report/", report_data(world, **extra))
    # then
    assert response.status_code == 400
    body = response.content.decode()
    for error in errors:
        assert error in body
    assert Case.objects.count() == 0


def test_report_photo_is_checked_by_content(client, world):
    # given
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    # when
    refused = client.post("/cases/report/", {**report_data(world), "photo": fake})
    accepted = client.post(
        "/cases/report/",
        {
            **report_data(world),
            "photo": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
        },
    )
    # then
    assert refused.status_code == 400
    assert "照片只能是 JPEG、PNG 或 WebP 图片" in refused.content.decode()
    assert accepted.status_code == 302
    case = Case.objects.get()
    assert case.attachments.get().content_type == "image/jpeg"  # stored re-encoded


def test_anonymous_report_keeps_no_name_and_no_phone(client, world):
    # when
    client.post("/cases/report/", report_data(world, anonymous="on"))
    # then
    case = Case.objects.get()
    assert case.anonymous is True
    assert case.reporter_name == "" and case.reporter_phone_enc == ""


def test_report_submissions_are_rate_limited_per_address(client, world, settings):
    # given
    settings.WANGGE_CASE_REPORTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/cases/report/", report_data(world)).status_code == 302
    # when
    response = client.post("/cases/report/", report_data(world))
    # then
    assert response.status_code == 400
    assert "提交过于频繁，请稍后再试" in response.content.decode()
    assert Case.objects.count() == 2


def test_a_grid_worker_reporting_is_the_reporter(client, world):
    # given
    client.force_login(world.grid_worker)
    # when
    client.post("/cases/report/", report_data(world))
    # then
    case = Case.objects.get()
    assert case.source == Source.GRID_WORKER and case.reporter == world.grid_worker


def test_locate_names_the_grid_of_a_point(client, world):
    # given
    lat, lng = grid_point(world.grid)
    # when
    inside = client.get("/cases/report/locate/", {"lat": lat, "lng": lng})
    outside = client.get("/cases/report/locate/", {"lat": "10", "lng": "10"})
    # then
    assert inside.content.decode().strip() == f"所属网格：{world.grid.name}"
    assert outside.content.decode().strip() == "该位置不在本市网格范围内，请重新选点或选择社区"


# --------------------------------------------------------------------------- tracking page


def test_track_form_finds_a_case_by_number_and_token(client, world):
    # given
    case = CaseFactory.reported(world)
    # when
    found = client.get("/cases/track/", {"number": case.number, "token": case.token})
    wrong = client.get("/cases/track/", {"number": case.number, "token": "x" * 24})
    mismatched = client.get("/cases/track/", {"number": "20000101000001", "token": case.token})
    # then
    assert found.status_code == 302 and found["Location"] == f"/cases/track/{case.token}/"
    for response in (wrong, mismatched):
        assert response.status_code == 404
        assert "案件编号或查询码不正确" in response.content.decode()


def test_tracking_page_shows_progress_without_staff_or_personal_data(client, world):
    # given
    for user, name in ((world.handler, "赵办理"), (world.community_staff, "钱受理")):
        user.display_name = name
        user.save()
    case = CaseFactory.in_progress(world, reporter_name="王小明", reporter_phone="13812345678")
    # when
    response = client.get(f"/cases/track/{case.token}/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="badge" id="case-status">处置中</span>' in body
    timeline = re.findall(r"<strong>(.*?)</strong>", body.split('id="public-timeline"')[1])
    assert timeline == ["提交上报", "受理立案", "派遣至承办单位", "承办单位签收"]
    for private in ("赵办理", "钱受理", "王小明", "13812345678", "138****5678"):
        assert private not in body
    assert 'id="evaluate"' not in body


def test_unknown_token_is_404(client, world):
    assert client.get("/cases/track/not-a-real-token/").status_code == 404
    assert (
        client.post("/cases/track/not-a-real-token/evaluate/", {"rating": "satisfied"}).status_code
        == 404
    )


def test_resident_rates_a_resolved_case_once(client, world):
    # given
    case = CaseFactory.resolved(world)
    page = client.get(f"/cases/track/{case.token}/").content.decode()
    assert 'id="evaluate"' in page and "已更换灯泡" in page
    # when
    first = client.post(
        f"/cases/track/{case.token}/evaluate/",
        {"rating": "satisfied", "comment": "很及时"},
        follow=True,
    )
    again = client.post(
        f"/cases/track/{case.token}/evaluate/", {"rating": "unsatisfied"}, follow=True
    )
    # then
    assert "感谢您的评价！" in first.content.decode()
    assert "您已评价过本次办理结果" in again.content.decode()
    evaluation = Evaluation.objects.get(case=case)
    assert (evaluation.rating, evaluation.comment) == ("satisfied", "很及时")
    body = again.content.decode()
    assert 'id="evaluate"' not in body and '<span class="badge" id="my-rating">满意</span>' in body
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_unsatisfied_rating_reopens_the_case(client, world):
    # given
    case = CaseFactory.verified(world)
    # when
    client.post(f"/cases/track/{case.token}/evaluate/", {"rating": "unsatisfied"})
    # then
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.reopen_count == 1


def test_rating_before_resolution_is_refused_and_changes_nothing(client, world):
    # given
    case = CaseFactory.dispatched(world)
    before = snapshot(case)
    # when
    response = client.post(
        f"/cases/track/{case.token}/evaluate/", {"rating": "satisfied"}, follow=True
    )
    # then
    assert "案件尚未办结，暂不能评价" in response.content.decode()
    assert snapshot(case) == before and Evaluation.objects.count() == 0


def test_tracking_photos_are_served_only_for_their_own_case(client, world):
    # given
    mine = CaseFactory.reported(world, photos=[PNG])
    other = CaseFactory.reported(world, photos=[PNG])
    photo = mine.attachments.get()
    # when / then
    served = client.get(f"/cases/track/{mine.token}/photos/{photo.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == photo.file.open("rb").read()
    assert client.get(f"/cases/track/{other.token}/photos/{photo.pk}/").status_code == 404


# --------------------------------------------------------------------------- staff pages


def test_work_list_needs_login_and_a_case_role(client, world):
    # when / then
    assert client.get("/cases/").status_code == 302
    client.force_login(world.resident)
    assert client.get("/cases/").status_code == 404
    client.force_login(make_user(Role.AUDIT_ADMIN, username="auditor"))
    assert client.get("/cases/").status_code == 404


def test_nav_shows_the_work_list_to_case_roles_only(client, world):
    # when
    client.force_login(world.handler)
    staff_page = client.get("/cases/").content.decode()
    client.force_login(make_user(Role.AUDIT_ADMIN, username="auditor"))
    auditor_page = client.get("/audit/").content.decode()
    # then
    assert '<a href="/cases/" class="active">事件工作台</a>' in staff_page
    assert "事件工作台" not in auditor_page


def test_work_list_tabs_are_scoped(client, world):
    # given
    reported = CaseFactory.reported(world)
    accepted = CaseFactory.accepted(world)
    elsewhere = CaseFactory.reported(world, grid=world.other_grid)
    # when
    client.force_login(world.community_staff)
    default = client.get("/cases/").content.decode()
    to_dispatch = client.get("/cases/", {"tab": "to_dispatch"}).content.decode()
    everything = client.get("/cases/", {"tab": "all"}).content.decode()
    # then: the first non-empty box opens, with counts on the tabs
    assert 'class="active" data-tab="to_accept">待立案<span class="badge count">1</span>' in default
    assert reported.number in default and accepted.number not in default
    assert accepted.number in to_dispatch and reported.number not in to_dispatch
    assert reported.number in everything and accepted.number in everything
    assert elsewhere.number not in everything


def test_work_list_filters_and_pages(client, world):
    # given
    numbers = [CaseFactory.reported(world, description=f"问题{i}").number for i in range(21)]
    client.force_login(world.community_staff)
    # when
    first = client.get("/cases/", {"tab": "all"}).content.decode()
    second = client.get("/cases/", {"tab": "all", "page": 2}).content.decode()
    searched = client.get("/cases/", {"tab": "all", "q": numbers[3]}, **HX).content.decode()
    # then
    assert "共 21 条，第 1 / 2 页" in first and numbers[20] in first and numbers[0] not in first
    assert numbers[0] in second and numbers[20] not in second
    assert "<html" not in searched and numbers[3] in searched
    assert [n for n in numbers if n in searched] == [numbers[3]]


def test_handler_sees_summons_awaiting_check_in(client, world):
    # given
    case = CaseFactory.dispatched(world)
    summons_issue(actor=world.street_staff, case_id=case.pk, departments=[world.other_department])
    # when
    client.force_login(world.other_handler)
    page = client.get("/cases/", {"tab": "summons_pending"}).content.decode()
    # then
    assert case.number in page
    assert 'data-tab="summons_pending">待报到<span class="badge count">1</span>' in page


def test_case_page_offers_only_the_allowed_actions(client, world):
    # given
    case = CaseFactory.reported(world)
    # when
    client.force_login(world.community_staff)
    dispatcher_page = client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(world.grid_worker)
    worker_page = client.get(f"/cases/{case.pk}/").content.decode()
    # then
    assert re.findall(r'id="action-(\w+)"', dispatcher_page) == [
        "accept",
        "reject",
        "dispatch",
        "escalate",
    ]
    assert re.findall(r'id="action-(\w+)"', worker_page) == []
    assert "当前没有您可执行的操作" in worker_page


def test_out_of_scope_case_is_404_everywhere(client, world):
    # given
    case = CaseFactory.reported(world)
    before = snapshot(case)
    client.force_login(world.other_community_staff)
    # when / then
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert (
        client.post(f"/cases/{case.pk}/act/accept/", {"version": case.version}).status_code == 404
    )
    assert client.get(f"/cases/{case.pk}/photos/1/").status_code == 404
    assert snapshot(case) == before


def test_dispatch_through_htmx_renders_the_panel(client, world):
    # given
    case = CaseFactory.accepted(world)
    client.force_login(world.community_staff)
    # when
    response = client.post(
        f"/cases/{case.pk}/act/dispatch/",
        {"version": case.version, "target": "", "note": "请尽快处理"},
        **HX,
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="case-panel"')
    assert '<div class="msg msg-success" role="status" id="panel-notice">已派遣</div>' in body
    assert '<dd id="handler">城管局</dd>' in body
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.handler_department == world.department


def test_stale_version_shows_the_conflict_and_changes_nothing(client, world):
    # given the page was loaded, then somebody else dispatched
    case = CaseFactory.accepted(world)
    stale = case.version
    case_transition(actor=world.street_staff, case_id=case.pk, action="dispatch")
    before = snapshot(case)
    client.force_login(world.community_staff)
    # when
    htmx = client.post(f"/cases/{case.pk}/act/reject/", {"version": stale, "reason": "重复"}, **HX)
    plain = client.post(f"/cases/{case.pk}/act/reject/", {"version": stale, "reason": "重复"})
    # then
    assert htmx.status_code == 200 and plain.status_code == 409
    for response in (htmx, plain):
        assert CONFLICT in response.content.decode()
        assert "当前状态：已派遣" in response.content.decode()
    assert snapshot(case) == before


def test_refused_action_changes_nothing(client, world):
    # given
    case = CaseFactory.dispatched(world)
    before = snapshot(case)
    client.force_login(world.grid_worker)
    # when
    response = client.post(
        f"/cases/{case.pk}/act/resolve/", {"version": case.version, "result": "已修好"}
    )
    # then
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in response.content.decode()
    assert snapshot(case) == before


def test_missing_reason_is_a_form_error_and_changes_nothing(client, world):
    # given
    case = CaseFactory.reported(world)
    before = snapshot(case)
    client.force_login(world.community_staff)
    # when
    response = client.post(f"/cases/{case.pk}/act/reject/", {"version": case.version}, **HX)
    # then
    body = response.content.decode()
    assert "请检查填写的内容" in body and "这个字段是必填项。" in body
    assert snapshot(case) == before


def test_resolve_with_a_photo_and_verify_failure_through_the_pages(client, world):
    # given
    case = CaseFactory.in_progress(world)
    client.force_login(world.handler)
    # when
    client.post(
        f"/cases/{case.pk}/act/resolve/",
        {
            "version": case.version,
            "result": "已更换灯泡",
            "photo": SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        },
        **HX,
    )
    case.refresh_from_db()
    client.force_login(world.grid_worker)
    client.post(
        f"/cases/{case.pk}/act/verify/",
        {"version": case.version, "passed": "no", "note": "灯仍不亮"},
        **HX,
    )
    # then
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.rework_count == 1
    assert case.attachments.get(kind="result").content_type == "image/jpeg"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "不通过，返工" in page and "灯仍不亮" in page


def test_anonymous_reporter_is_invisible_on_the_case_page(client, world):
    # given a logged-in resident reports anonymously
    client.force_login(world.resident)
    client.post("/cases/report/", report_data(world, anonymous="on"))
    case = Case.objects.get()
    case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    # when
    client.force_login(world.handler)
    handler_page = client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(world.community_staff)
    staff_page = client.get(f"/cases/{case.pk}/").content.decode()
    # then
    for page in (handler_page, staff_page):
        assert world.resident.username not in page.split("<main")[1]
    assert '<dd id="reporter">匿名</dd>' in staff_page
    assert '<dd id="reporter">匿名</dd>' in handler_page


def test_summons_issue_check_in_and_rate_through_the_pages(client, world):
    # given
    case = CaseFactory.dispatched(world)
    client.force_login(world.street_staff)
    # when the street summons a department
    issued = client.post(
        f"/cases/{case.pk}/summon/",
        {"departments": [str(world.other_department.pk)], "reason": "联合处置"},
        **HX,
    )
    response = SummonsResponse.objects.get()
    # and the department checks in
    client.force_login(world.other_handler)
    checked = client.post(f"/cases/{case.pk}/summons/{response.pk}/check-in/", {}, **HX)
    # and the street rates it
    client.force_login(world.street_staff)
    rated = client.post(f"/cases/{case.pk}/summons/{response.pk}/rate/", {"rating": "4"}, **HX)
    # then
    assert "已吹哨，等待部门报到" in issued.content.decode()
    assert "已报到" in checked.content.decode()
    assert "已评价" in rated.content.decode()
    response.refresh_from_db()
    assert response.checked_in_by == world.other_handler and response.rating == 4
    assert list(
        CaseEvent.objects.filter(
            case=case, action__in=["summon", "check_in", "summons_rate"]
        ).values_list("action", flat=True)
    ) == ["summon", "check_in", "summons_rate"]


def test_department_not_summoned_cannot_check_in(client, world):
    # given
    case = CaseFactory.dispatched(world)
    summons_issue(actor=world.street_staff, case_id=case.pk, departments=[world.other_department])
    response = SummonsResponse.objects.get()
    client.force_login(world.handler)
    # when
    refused = client.post(f"/cases/{case.pk}/summons/{response.pk}/check-in/", {})
    # then
    assert refused.status_code == 404
    response.refresh_from_db()
    assert response.checked_in_at is None
