"""四议两公开 in order with its thresholds; the staff and public pages, in scope and
without personal data on the public ones."""

from datetime import date

import pytest

from wangge.audit.models import AuditEvent
from wangge.consultation import services
from wangge.consultation.deliberation import (
    deliberation_start,
    deliberation_step_record,
    step_threshold_error,
)
from wangge.consultation.models import DeliberationStep, MeetingKind, Proposal, Step
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

DAY = date(2026, 6, 10)


def _record(world, row, step, **votes):
    return deliberation_step_record(actor=world.community_staff, deliberation_id=row.pk, step=step,
                                    held_on=DAY, **votes)


def test_thresholds_of_the_members_and_villagers_meetings():
    assert step_threshold_error(Step.MEMBERS, expected=30, present=20, approve=11) is None
    assert "三分之二" in step_threshold_error(Step.MEMBERS, expected=30, present=19, approve=19)
    assert "过半数" in step_threshold_error(Step.MEMBERS, expected=30, present=20, approve=10)
    assert step_threshold_error(Step.VILLAGERS, expected=100, present=51, approve=26) is None
    assert "过半数村民" in step_threshold_error(Step.VILLAGERS, expected=100, present=50, approve=50)
    assert "全体代表" in step_threshold_error(
        Step.VILLAGERS, expected=30, present=25, approve=15, representatives=True
    )
    assert step_threshold_error(Step.VILLAGERS, expected=30, present=20, approve=16, representatives=True) is None


def test_a_step_cannot_be_skipped_or_passed_below_its_threshold(world):
    row = deliberation_start(actor=world.community_staff, community=world.community, title="村道硬化")
    _record(world, row, Step.BRANCH)
    # skipping the committees' discussion is refused
    with pytest.raises(ApplicationError) as skipped:
        _record(world, row, Step.MEMBERS, expected=30, present=25, approve=20)
    assert skipped.value.code == "out_of_order"
    _record(world, row, Step.COMMITTEES, expected=7, present=7, approve=6)
    # the party members' meeting without 2/3 present is refused and leaves no step
    with pytest.raises(ApplicationError) as short:
        _record(world, row, Step.MEMBERS, expected=30, present=15, approve=15)
    assert short.value.code == "threshold"
    assert DeliberationStep.objects.filter(step=Step.MEMBERS).count() == 0
    _record(world, row, Step.MEMBERS, expected=30, present=25, approve=20)
    _record(world, row, Step.VILLAGERS, expected=40, present=30, approve=25, representatives=True,
            owner="村委会", due_date=date(2026, 9, 1))
    row.refresh_from_db()
    assert row.resolution.title == "村道硬化"
    _record(world, row, Step.PUBLISH_RESOLUTION)
    # the result cannot be published before the resolution is done
    with pytest.raises(ApplicationError):
        _record(world, row, Step.PUBLISH_RESULT)
    services.resolution_update(actor=world.community_staff, resolution_id=row.resolution.pk, progress=100)
    _record(world, row, Step.PUBLISH_RESULT)
    assert list(row.steps.values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_another_villages_staff_cannot_record_a_step(world):
    row = deliberation_start(actor=world.community_staff, community=world.community, title="村道硬化")
    with pytest.raises(NotFoundOrForbidden):
        deliberation_step_record(actor=world.other_community_staff, deliberation_id=row.pk,
                                 step=Step.BRANCH, held_on=DAY)
    assert not row.steps.exists()
    assert not AuditEvent.objects.filter(action="consultation_deliberation_step").exists()


def _stuff(world):
    proposal = services.proposal_raise(actor=None, community=world.community, title="加装电梯",
                                       raiser_name="王秘密", raiser_phone="13912345678")
    meeting = services.meeting_create(actor=world.community_staff, community=world.community,
                                      kind=MeetingKind.TALK, title="恳谈会", date=date(2026, 6, 20),
                                      place="活动室")
    resolution = services.resolution_create(actor=world.community_staff, community=world.community,
                                            title="加装电梯", owner="社区居委会", due_date=date(2026, 12, 1),
                                            meeting_id=meeting.pk)
    return proposal, meeting, resolution


def test_staff_pages_answer_in_scope_and_404_outside(client, world):
    proposal, meeting, resolution = _stuff(world)
    client.force_login(world.community_staff)
    for url in ("/consultation/proposals/", "/consultation/meetings/", "/consultation/resolutions/",
                "/consultation/deliberations/", "/consultation/compliance/", "/consultation/proposals/new/",
                "/consultation/meetings/new/", "/consultation/deliberations/new/",
                f"/consultation/proposals/{proposal.pk}/", f"/consultation/meetings/{meeting.pk}/",
                f"/consultation/resolutions/{resolution.pk}/", f"/consultation/meetings/{meeting.pk}/resolution/"):
        assert client.get(url).status_code == 200, url
    svg = client.get(f"/consultation/meetings/{meeting.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    client.force_login(world.other_community_staff)
    assert "加装电梯" not in client.get("/consultation/proposals/").content.decode()
    for url in (f"/consultation/proposals/{proposal.pk}/", f"/consultation/meetings/{meeting.pk}/",
                f"/consultation/resolutions/{resolution.pk}/", f"/consultation/meetings/{meeting.pk}/qr.svg"):
        assert client.get(url).status_code == 404, url
    # a write across scope is refused and leaves no trace
    response = client.post(f"/consultation/resolutions/{resolution.pk}/",
                           {"progress": 50, "version": resolution.version})
    assert response.status_code == 404
    resolution.refresh_from_db()
    assert resolution.progress == 0


def test_a_staff_form_shows_field_errors(client, world):
    client.force_login(world.community_staff)
    response = client.post("/consultation/meetings/new/", {"title": ""})
    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()


def test_public_pages_show_no_personal_data(client, world):
    proposal, meeting, resolution = _stuff(world)
    services.meeting_check_in(token=meeting.checkin_token, role="resident", name="赵参会")
    code = world.community.code
    for url in (f"/consultation/c/{code}/", f"/consultation/c/{code}/publicity/",
                f"/consultation/checkin/{meeting.checkin_token}/"):
        html = client.get(url).content.decode()
        for secret in ("王秘密", "13912345678", "139****5678", "赵参会"):
            assert secret not in html, (url, secret)
    assert "加装电梯" in client.get(f"/consultation/c/{code}/").content.decode()
    assert client.get("/consultation/c/000/").status_code == 404


def test_a_resident_raises_and_supports_from_the_public_page(client, world):
    code = world.community.code
    response = client.post(f"/consultation/c/{code}/raise/", {"title": "增设快递柜", "client_key": "abc"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="增设快递柜")
    client.post(f"/consultation/support/{proposal.pk}/", {"phone": "13700000001"})
    client.post(f"/consultation/support/{proposal.pk}/", {"phone": "13700000001"})
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    # resent with the same key: still one proposal
    client.post(f"/consultation/c/{code}/raise/", {"title": "增设快递柜", "client_key": "abc"})
    assert Proposal.objects.filter(title="增设快递柜").count() == 1


def test_public_writes_are_rate_limited(client, world, settings):
    settings.WANGGE_CONSULTATION_PUBLIC_PER_HOUR = 2
    code = world.community.code
    for n in range(3):
        response = client.post(f"/consultation/c/{code}/raise/", {"title": f"议题{n}", "confirm": "1"})
    assert response.status_code == 400
    assert "提交过于频繁" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_the_raise_page_offers_similar_proposals_before_a_new_one(client, world):
    code = world.community.code
    services.proposal_raise(actor=None, community=world.community, title="小区停车位不够")
    # when a resident raises a similar matter
    response = client.post(f"/consultation/c/{code}/raise/", {"title": "小区停车位太少"})
    # then the similar one is offered and nothing is written yet
    assert "已有相似议题" in response.content.decode() and Proposal.objects.count() == 1
    # and confirming writes the new proposal
    response = client.post(f"/consultation/c/{code}/raise/", {"title": "小区停车位太少", "confirm": "1"})
    assert response.status_code == 302 and Proposal.objects.count() == 2


def test_a_case_of_the_community_goes_on_the_agenda_by_its_number(client, world):
    from wangge.cases.services import case_report

    _proposal, meeting, _resolution = _stuff(world)
    case = case_report(actor=world.community_staff, category=world.category, description="路灯坏了",
                       source="walk_in", grid=world.grid, address="一号楼")
    client.force_login(world.community_staff)
    response = client.post(f"/consultation/meetings/{meeting.pk}/", {"text": "", "case_number": "X1"})
    assert response.status_code == 400 and "本社区没有这个事件编号" in response.content.decode()
    client.post(f"/consultation/meetings/{meeting.pk}/", {"text": "", "case_number": case.number})
    assert meeting.agenda.get(case=case).text == "路灯坏了"


def test_meeting_photos_are_re_encoded_and_served_in_scope_only(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wangge.testing.cases import image_bytes

    settings.MEDIA_ROOT = tmp_path
    _proposal, meeting, _resolution = _stuff(world)
    client.force_login(world.community_staff)
    upload = SimpleUploadedFile("会.png", image_bytes("PNG", (40, 30)), content_type="image/png")
    response = client.post(f"/consultation/meetings/{meeting.pk}/", {"photo_upload": "1", "photos": upload})
    assert response.status_code == 302
    photo = meeting.photos.get()
    assert client.get(f"/consultation/meetings/{meeting.pk}/photos/{photo.token}/").status_code == 200
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(f"/consultation/meetings/{meeting.pk}/", {"photo_upload": "1", "photos": bad})
    assert response.status_code == 400 and meeting.photos.count() == 1
    client.force_login(world.other_community_staff)
    assert client.get(f"/consultation/meetings/{meeting.pk}/photos/{photo.token}/").status_code == 404
