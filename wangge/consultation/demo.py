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
