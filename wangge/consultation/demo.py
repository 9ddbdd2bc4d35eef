"""Consultation in the demo city: in each populated community, monthly talks of the past
months with minutes, resolutions in every state, and proposals with supports. Bulk rows."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from wangge.areas.models import Area, AreaKind
from wangge.consultation.models import (
    Meeting,
    MeetingKind,
    Proposal,
    ProposalSource,
    ProposalStatus,
    Resolution,
    ResolutionStatus,
    Support,
)
from wangge.core import clock

TITLES = ("小区停车难", "加装电梯", "楼道照明", "垃圾分类点位调整", "健身器材维修", "雨污管网改造")
STATES = (ResolutionStatus.PLANNED, ResolutionStatus.IN_PROGRESS, ResolutionStatus.DONE,
          ResolutionStatus.DONE, ResolutionStatus.CANCELLED)


def city_populate(build) -> None:
    rng = random.Random(build.seed + 41)
    now, today = clock.now(), clock.today()
    paths = {grid.path[:16] for grid in build.staffed_grids}
    communities = list(Area.objects.filter(kind=AreaKind.COMMUNITY, path__in=paths).order_by("path"))
    meetings, resolutions, proposals = [], [], []
    for community in communities:
        for k in range(1, 4):
            day = (today.replace(day=1) - timedelta(days=30 * k)).replace(day=15)
            meetings.append(Meeting(
                community=community, area_path=community.path, kind=MeetingKind.TALK,
                title=f"{day.month}月民情恳谈会", date=day, place="社区党群服务中心", expected=25,
                held=True, minutes="听取居民意见，议定事项见决议。", checkin_token=secrets.token_urlsafe(18),
            ))
        meetings.append(Meeting(
            community=community, area_path=community.path, kind=MeetingKind.COUNCIL, title="居民议事会",
            date=today + timedelta(days=10), place="社区会议室", expected=15,
            checkin_token=secrets.token_urlsafe(18),
        ))
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    held = [m for m in meetings if m.held]
    for n, meeting in enumerate(m for m in held for _ in (1, 2)):
        status = STATES[n % len(STATES)]
        due = meeting.date + timedelta(days=rng.choice([20, 45, 90]))
        progress = {ResolutionStatus.DONE: 100, ResolutionStatus.IN_PROGRESS: rng.choice([30, 60]),
                    ResolutionStatus.PLANNED: 0, ResolutionStatus.CANCELLED: 0}[status]
        resolutions.append(Resolution(
            community=meeting.community, area_path=meeting.area_path, meeting=meeting,
            title=rng.choice(TITLES), owner="社区居委会", due_date=due, status=status, progress=progress,
            done_on=min(due + timedelta(days=rng.choice([-5, 3])), today) if status == ResolutionStatus.DONE else None,
            created_at=now,
        ))
    Resolution.objects.bulk_create(resolutions, batch_size=1000)
    for community in communities:
        for title in rng.sample(TITLES, 2):
            proposals.append(Proposal(
                community=community, area_path=community.path, title=title, source=ProposalSource.PUBLIC,
                status=ProposalStatus.OPEN, support_count=rng.randint(0, 2), created_at=now,
            ))
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    Support.objects.bulk_create([
        Support(proposal=p, voter_key=f"demo{p.pk}-{k}", at=now)
        for p in proposals for k in range(p.support_count)
    ], batch_size=2000)
    build.stats.figures["meetings"] = len(meetings)
    build.stats.figures["resolutions"] = len(resolutions)


# ---------------------------------------------------------------- history

HISTORY_PLACE = "社区党群服务中心（议事厅）"
HISTORY_RESOLUTION_OWNERS = ("社区居委会", "物业服务中心", "网格员", "业委会")
ATTENDEES = (("committee", 5), ("property", 1), ("member", 4), ("resident", 8))


def history_exists() -> bool:
    return Meeting.objects.filter(place=HISTORY_PLACE).exists()


def history_start(world) -> None:
    """The year of the demo accounts' community, written by the services: each month a
    resident raises a matter and neighbours add "me too", the 民情恳谈会 is planned with
    expected attendance per role, participants check in by QR code, minutes are kept,
    resolutions are formed and followed to done (some late, one in five cancelled)."""
    world.spawn(world.start + timedelta(days=1), _community_year(world, world.focus["community"]))


def _community_year(world, community):
    from wangge.accounts.models import Role
    from wangge.consultation.services import (
        meeting_check_in,
        meeting_create,
        meeting_record,
        proposal_raise,
        proposal_support,
        resolution_create,
    )

    rng = world.rng("consultation-year", community.pk)
    staff = world.people.by_area.get((Role.COMMUNITY_STAFF, community.path), [])
    if not staff:
        return
    month = 0
    while True:
        month += 1
        proposal = proposal_raise(actor=None, community=community, title=rng.choice(TITLES),
                                  body="居民在议题页提出。", client_key=f"demo-h-proposal-{community.pk}-{month}")
        world.count("history_proposals")
        for k in range(rng.randint(1, 5)):
            yield world.later(rng, 3, 48, office=False)
            proposal_support(actor=None, proposal_id=proposal.pk, phone=f"139{community.pk % 1000:03d}{month:02d}{k:03d}")
        yield world.office(world.local(world.now.date() + timedelta(days=rng.randint(3, 8)), 9), rng)
        actor = world.people.pick(staff, rng)
        meeting = meeting_create(
            actor=actor, community=community, kind=MeetingKind.TALK, title=f"{world.now.month}月民情恳谈会",
            date=world.now.date(), place=HISTORY_PLACE, expected_by_role=dict(ATTENDEES),
        )
        world.count("history_meetings")
        for role, expected in ATTENDEES:
            for k in range(max(0, expected - rng.randint(0, 2))):
                meeting_check_in(token=meeting.checkin_token, role=role, name=f"{role}-{k + 1}号")
        yield world.now + timedelta(hours=2)
        meeting_record(actor=actor, meeting_id=meeting.pk,
                       minutes="听取居民意见；物业经理说明进展；议定事项见决议，按期公示。")
        resolutions = [
            resolution_create(actor=actor, community=community, title=rng.choice(TITLES),
                              owner=rng.choice(HISTORY_RESOLUTION_OWNERS), meeting_id=meeting.pk,
                              due_date=world.now.date() + timedelta(days=rng.choice([20, 30, 45])))
            for _ in range(rng.randint(1, 2))
        ]
        world.count("history_resolutions", len(resolutions))
        for resolution in resolutions:
            world.spawn(world.later(rng, 24 * 5, 24 * 12), _follow(world, resolution.pk, staff, rng.random()))
        yield world.office(world.local(world.now.date() + timedelta(days=rng.randint(22, 30)), 9), rng)


def _follow(world, resolution_id: int, staff, fate: float):
    """Progress over the following weeks: most done (some after the due date), some left
    in progress, one in five cancelled."""
    from wangge.consultation.services import resolution_update

    rng = world.rng("consultation-follow", resolution_id)
    if fate < 0.2:
        resolution_update(actor=world.people.pick(staff, rng), resolution_id=resolution_id, progress=0,
                          status=ResolutionStatus.CANCELLED, note="经复议撤销")
        return
    for progress in (30, 60, 100):
        if progress == 100 and fate > 0.85:
            return  # still in progress
        resolution_update(actor=world.people.pick(staff, rng), resolution_id=resolution_id,
                          progress=progress, note=f"进度 {progress}%")
        yield world.later(rng, 24 * 5, 24 * (14 if fate < 0.6 else 25))


def history_figures() -> dict:
    return {
        "history_meetings": Meeting.objects.filter(place=HISTORY_PLACE).count(),
        "history_resolutions_done": Resolution.objects.filter(
            meeting__place=HISTORY_PLACE, status=ResolutionStatus.DONE).count(),
    }


def history_summary(figures: dict) -> str:
    return (f"{figures['history_meetings']} 次民情恳谈会（扫码签到、纪要、决议），"
            f"{figures['history_resolutions_done']} 项决议已完成")
