"""Proposals, supports, meetings, resolutions and their case, through the services."""

from datetime import date

import pytest

from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, Source
from wangge.cases.services import case_transition
from wangge.consultation import services
from wangge.consultation.models import (
    Attendance,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalSource,
    ProposalStatus,
    Resolution,
    ResolutionStatus,
    Support,
)
from wangge.core.errors import ApplicationError, NotFoundOrForbidden


def _proposal(world, title="小区停车难", phone=""):
    return services.proposal_raise(actor=None, community=world.community, title=title, raiser_phone=phone)


def _meeting(world, day=date(2026, 6, 20)):
    return services.meeting_create(
        actor=world.community_staff, community=world.community, kind=MeetingKind.TALK,
        title="六月民情恳谈会", date=day, place="社区活动室", expected=20,
    )


def test_a_public_proposal_keeps_no_plain_phone_and_counts_the_raiser(world):
    # when a resident raises a proposal with a phone
    proposal = _proposal(world, phone="13812345678")
    # then the phone is encrypted, and the raiser's support counts once (by blind index)
    row = Proposal.objects.get()
    assert "13812345678" not in row.raiser_phone_enc and row.raiser_phone_enc.startswith("v1:")
    assert proposal.support_count == 1
    assert "13812345678" not in Support.objects.get().voter_key
    assert AuditEvent.objects.filter(action="consultation_proposal_raise", actor__isnull=True).count() == 1


def test_the_same_client_key_returns_the_first_proposal(world):
    first = services.proposal_raise(actor=None, community=world.community, title="路灯", client_key="k1")
    again = services.proposal_raise(actor=None, community=world.community, title="路灯", client_key="k1")
    assert first.pk == again.pk and Proposal.objects.count() == 1
    with pytest.raises(ApplicationError):
        services.proposal_raise(actor=None, community=world.community, title="别的", client_key="k1")


def test_one_support_per_phone_and_the_threshold_puts_it_on_the_next_agenda(world, settings):
    # given a planned meeting and a proposal; threshold 3
    settings.WANGGE_CONSULTATION_SUPPORT_THRESHOLD = 3
    meeting = _meeting(world)
    proposal = _proposal(world)
    # when three phones support it, one of them twice (written differently)
    for phone in ("13800000001", "138-0000-0001", "13800000002"):
        services.proposal_support(actor=None, proposal_id=proposal.pk, phone=phone)
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.status) == (2, ProposalStatus.OPEN)
    services.proposal_support(actor=None, proposal_id=proposal.pk, phone="13800000003")
    # then it is on the meeting's agenda
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.status, proposal.meeting_id) == (3, ProposalStatus.AGENDA, meeting.pk)
    assert list(meeting.agenda.values_list("proposal_id", flat=True)) == [proposal.pk]


def test_a_proposal_reaching_the_threshold_without_a_meeting_joins_the_next_one(world, settings):
    settings.WANGGE_CONSULTATION_SUPPORT_THRESHOLD = 1
    proposal = _proposal(world, phone="13800000001")
    assert Proposal.objects.get().status == ProposalStatus.AGENDA
    meeting = _meeting(world)
    proposal.refresh_from_db()
    assert proposal.meeting_id == meeting.pk and meeting.agenda.count() == 1


def test_merging_moves_supports_and_counts_a_person_once(world):
    a = _proposal(world, "小区停车位不够", phone="13800000001")
    b = _proposal(world, "小区停车位太少", phone="13800000002")
    services.proposal_support(actor=None, proposal_id=a.pk, phone="13800000002")
    target = services.proposal_merge(actor=world.community_staff, proposal_id=a.pk, into_id=b.pk)
    a.refresh_from_db()
    assert (a.status, a.merged_into_id, target.support_count) == (ProposalStatus.MERGED, b.pk, 2)


def test_staff_of_another_community_cannot_merge_or_enter_proposals(world):
    a, b = _proposal(world, "一"), _proposal(world, "二")
    with pytest.raises(NotFoundOrForbidden):
        services.proposal_merge(actor=world.other_community_staff, proposal_id=a.pk, into_id=b.pk)
    with pytest.raises(NotFoundOrForbidden):
        services.proposal_raise(actor=world.other_community_staff, community=world.community,
                                title="越权", source=ProposalSource.STAFF)
    assert Proposal.objects.count() == 2
    assert not Proposal.objects.filter(status=ProposalStatus.MERGED).exists()
    assert not AuditEvent.objects.filter(action="consultation_proposal_merge").exists()


def test_check_in_once_per_name_and_not_after_the_meeting(world):
    meeting = _meeting(world)
    services.meeting_check_in(token=meeting.checkin_token, role="resident", name="张三")
    with pytest.raises(ApplicationError, match="已签到"):
        services.meeting_check_in(token=meeting.checkin_token, role="resident", name="张三")
    services.meeting_record(actor=world.community_staff, meeting_id=meeting.pk, minutes="议定事项", version=0)
    with pytest.raises(ApplicationError, match="会议已结束"):
        services.meeting_check_in(token=meeting.checkin_token, role="resident", name="李四")
    with pytest.raises(NotFoundOrForbidden):
        services.meeting_check_in(token="wrong", role="resident", name="李四")
    assert Attendance.objects.count() == 1


def test_a_stale_minutes_form_is_refused(world):
    meeting = _meeting(world)
    services.meeting_record(actor=world.community_staff, meeting_id=meeting.pk, minutes="第一版", version=0)
    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(actor=world.community_staff, meeting_id=meeting.pk, minutes="第二版", version=0)
    assert caught.value.code == "conflict"
    assert Meeting.objects.get().minutes == "第一版"


def test_a_parent_rolls_up_its_childrens_progress(world):
    staff = world.community_staff
    parent = services.resolution_create(actor=staff, community=world.community, title="老旧小区改造",
                                        owner="社区居委会", due_date=date(2026, 9, 30))
    a = services.resolution_create(actor=staff, community=world.community, title="外墙保温",
                                   owner="住建局", due_date=date(2026, 8, 30), parent_id=parent.pk)
    b = services.resolution_create(actor=staff, community=world.community, title="管网改造",
                                   owner="水务公司", due_date=date(2026, 8, 30), parent_id=parent.pk)
    services.resolution_update(actor=staff, resolution_id=a.pk, progress=100)
    services.resolution_update(actor=staff, resolution_id=b.pk, progress=50)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (75, ResolutionStatus.IN_PROGRESS)
    with pytest.raises(ApplicationError):
        services.resolution_update(actor=staff, resolution_id=parent.pk, progress=10)
    services.resolution_update(actor=staff, resolution_id=b.pk, progress=100)
    parent.refresh_from_db()
    assert (parent.progress, parent.status, parent.done_on) == (100, ResolutionStatus.DONE, date(2026, 6, 10))
    assert [u.progress for u in parent.updates.all()] == [0, 50, 75, 100]


def test_a_resolution_opens_a_case_and_is_done_when_the_case_is_resolved(world):
    staff = world.community_staff
    resolution = services.resolution_create(actor=staff, community=world.community, title="修路灯",
                                            owner="城管局", due_date=date(2026, 6, 30))
    services.resolution_open_case(actor=staff, resolution_id=resolution.pk,
                                  category=world.category, description="三号楼路灯不亮")
    case = Case.objects.get()
    assert (case.source, case.area_path) == (Source.MEETING, world.community.path)
    for action, actor, params in (("accept", staff, {}), ("dispatch", staff, {}),
                                  ("sign", world.handler, {}), ("resolve", world.handler, {"result": "已修复"})):
        case_transition(actor=actor, case_id=case.pk, action=action, **params)
    assert services.resolutions_follow_cases() == 1
    resolution.refresh_from_db()
    assert (resolution.status, resolution.progress) == (ResolutionStatus.DONE, 100)


def test_another_communitys_staff_cannot_update_a_resolution(world):
    resolution = services.resolution_create(actor=world.community_staff, community=world.community,
                                            title="修路灯", owner="城管局", due_date=date(2026, 6, 30))
    with pytest.raises(NotFoundOrForbidden):
        services.resolution_update(actor=world.other_community_staff, resolution_id=resolution.pk, progress=50)
    with pytest.raises(NotFoundOrForbidden):
        services.resolution_open_case(actor=world.other_community_staff, resolution_id=resolution.pk,
                                      category=world.category, description="x")
    resolution.refresh_from_db()
    assert (resolution.progress, resolution.case_id, resolution.updates.count()) == (0, None, 1)
    assert Case.objects.count() == 0
    assert Resolution.objects.count() == 1
