"""Consultation figures (discovered by wangge.indicators): meetings held against the one
monthly 民情恳谈会 each community owes, resolutions done on time, proposals raised and put
on an agenda."""

from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse

from wangge.indicators.definitions import Source, count_of, rate, register_source

GROUP = "协商议事"


def _drill(url_name: str, *, month: bool = True):
    def url(area, period, department=None):
        if department:
            return None
        params = {"area": area.code, **({"month": period.key} if month else {})}
        return f"{reverse(url_name)}?{urlencode(params)}"

    return url


def _can_read(user) -> bool:
    from wangge.consultation.permissions import can_read_consultation

    return can_read_consultation(user)

PANELS = {
    "ranking": {"talk_meeting_rate": 300, "resolution_on_time_rate": 305},
    "trend": {"proposals_raised": 300},
}


def _meetings():
    from wangge.consultation.models import Meeting

    return Meeting.objects.all()


def _resolutions():
    from wangge.consultation.models import Resolution

    return Resolution.objects.exclude(status="cancelled")


def _proposals():
    from wangge.consultation.models import Proposal

    return Proposal.objects.all()


register_source(Source(
    key="consult_meetings", label="议事会议", queryset=_meetings, period_field="date", period_is_date=True,
    measures=lambda: {
        "held": Count("id", filter=Q(held=True)),
        # at most one monthly talk counts per community
        "talks_held": Count("community", filter=Q(held=True, kind="talk"), distinct=True),
    },
    additive=False,
))
register_source(Source(
    key="consult_resolutions", label="决议事项", queryset=_resolutions, period_field="due_date",
    period_is_date=True,
    measures=lambda: {
        "due": Count("id"),
        "on_time": Count("id", filter=Q(status="done", done_on__lte=F("due_date"))),
    },
))
register_source(Source(
    key="consult_proposals", label="居民议题", queryset=_proposals, period_field="created_at",
    measures=lambda: {
        "raised": Count("id"),
        "on_agenda": Count("id", filter=Q(meeting__isnull=False)),
    },
))

rate("talk_meeting_rate", "民情恳谈会按月召开率", "Monthly residents' talks held", GROUP,
     "consult_meetings.talks_held", "areas.communities",
     drill=_drill("consultation:meeting_list"), drill_allowed=_can_read)
count_of("meetings_held", "召开议事会议数", "Meetings held", "次", GROUP, "consult_meetings.held",
         drill=_drill("consultation:meeting_list"), drill_allowed=_can_read)
rate("resolution_on_time_rate", "决议事项按时完成率", "Resolutions done on time", GROUP,
     "consult_resolutions.on_time", "consult_resolutions.due",
     drill=_drill("consultation:resolution_list"), drill_allowed=_can_read)
count_of("proposals_raised", "居民议题数", "Proposals raised", "个", GROUP, "consult_proposals.raised",
         drill=_drill("consultation:proposal_list", month=False), drill_allowed=_can_read)
rate("proposal_agenda_rate", "议题上会率", "Proposals put on an agenda", GROUP,
     "consult_proposals.on_agenda", "consult_proposals.raised")
