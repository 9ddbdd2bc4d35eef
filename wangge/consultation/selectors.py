"""Consultation readers, always through the user's scope (out of scope reads like missing)."""

from datetime import date

from django.db.models import Count, F, Q

from wangge.accounts.scope import scope_q
from wangge.areas.models import Area, AreaKind
from wangge.consultation.models import (
    Deliberation,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalStatus,
    Resolution,
    ResolutionStatus,
)
from wangge.consultation.permissions import READ_ROLES
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden


def _get(queryset, user, pk):
    row = queryset.filter_to_scope(user, roles=READ_ROLES).filter(pk=pk).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def proposals_visible_to(user, *, status: str = "", community: str = "", q: str = ""):
    rows = Proposal.objects.filter_to_scope(user, roles=READ_ROLES).select_related("community")
    if status:
        rows = rows.filter(status=status)
    if community:
        rows = rows.filter(area_path__startswith=community)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return rows.order_by("-created_at", "-id")


def proposal_get_for_user(user, pk: int) -> Proposal:
    return _get(Proposal.objects.select_related("community", "merged_into", "meeting"), user, pk)


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def proposals_similar(proposal: Proposal, *, limit: int = 5) -> list[Proposal]:
    """Open proposals of the same community whose titles share words (character pairs):
    candidates for a merge, and what a resident sees before raising a duplicate."""
    mine = _bigrams(proposal.title)
    others = Proposal.objects.filter(
        community_id=proposal.community_id, status__in=[ProposalStatus.OPEN, ProposalStatus.AGENDA]
    ).exclude(pk=proposal.pk).order_by("-created_at")[:200]
    scored = []
    for other in others:
        theirs = _bigrams(other.title)
        overlap = len(mine & theirs) / max(1, len(mine | theirs))
        if overlap >= 0.2:
            scored.append((overlap, other))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [other for _, other in scored[:limit]]


def public_proposals(community: Area):
    return Proposal.objects.filter(
        community=community, status__in=[ProposalStatus.OPEN, ProposalStatus.AGENDA]
    ).order_by("-support_count", "-created_at")


def public_community(code: str) -> Area:
    area = Area.objects.filter(code=code, kind=AreaKind.COMMUNITY).first()
    if area is None:
        raise NotFoundOrForbidden()
    return area


def _month_range(month: date) -> tuple[date, date]:
    return month, date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def meetings_visible_to(user, *, kind: str = "", community: str = "", held: str = "",
                        month: date | None = None):
    rows = Meeting.objects.filter_to_scope(user, roles=READ_ROLES).select_related("community")
    if month is not None:
        start, end = _month_range(month)
        rows = rows.filter(date__gte=start, date__lt=end)
    if kind:
        rows = rows.filter(kind=kind)
    if community:
        rows = rows.filter(area_path__startswith=community)
    if held in ("0", "1"):
        rows = rows.filter(held=held == "1")
    return rows.annotate(checked_in=Count("attendance")).order_by("-date", "-id")


def meeting_get_for_user(user, pk: int) -> Meeting:
    return _get(Meeting.objects.select_related("community"), user, pk)


def resolutions_visible_to(user, *, status: str = "", community: str = "", overdue: bool = False,
                           due_month: date | None = None):
    rows = Resolution.objects.filter_to_scope(user, roles=READ_ROLES).select_related("community", "case")
    if due_month is not None:
        start, end = _month_range(due_month)
        rows = rows.filter(due_date__gte=start, due_date__lt=end)
    if status:
        rows = rows.filter(status=status)
    if community:
        rows = rows.filter(area_path__startswith=community)
    if overdue:
        rows = rows.filter(
            due_date__lt=clock.today(), status__in=[ResolutionStatus.PLANNED, ResolutionStatus.IN_PROGRESS]
        )
    return rows.order_by("due_date", "id")


def resolution_get_for_user(user, pk: int) -> Resolution:
    return _get(Resolution.objects.select_related("community", "case", "parent", "meeting"), user, pk)


def public_resolutions(community: Area):
    """The 公示 list: titles, owners (a unit or a role, never a resident), due dates and
    progress of a community's resolutions."""
    return (
        Resolution.objects.filter(community=community)
        .exclude(status=ResolutionStatus.CANCELLED)
        .order_by("status", "due_date", "id")
    )


def deliberations_visible_to(user):
    return (
        Deliberation.objects.filter_to_scope(user, roles=READ_ROLES)
        .select_related("community", "resolution")
        .annotate(steps_done=Count("steps"))
        .order_by("-created_at", "-id")
    )


def deliberation_get_for_user(user, pk: int) -> Deliberation:
    return _get(Deliberation.objects.select_related("community", "resolution"), user, pk)


def compliance_rows(user, *, month: date):
    """Per community in scope: was the monthly 民情恳谈会 held, and how many resolutions
    due by the end of the month were done on time."""
    condition = scope_q(user, field="path", roles=READ_ROLES)
    if condition is None:
        return []
    communities = Area.objects.filter(condition, kind=AreaKind.COMMUNITY).order_by("path")[:500]
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    held = set(
        Meeting.objects.filter(
            kind=MeetingKind.TALK, held=True, date__gte=start, date__lt=end,
            community__in=communities,
        ).values_list("community_id", flat=True)
    )
    due = {
        row["community_id"]: row
        for row in Resolution.objects.filter(
            community__in=communities, due_date__gte=start, due_date__lt=end
        ).exclude(status=ResolutionStatus.CANCELLED).values("community_id").annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(status=ResolutionStatus.DONE, done_on__lte=F("due_date"))),
        )
    }
    return [
        {
            "community": community,
            "held": community.pk in held,
            "due": due.get(community.pk, {}).get("due", 0),
            "on_time": due.get(community.pk, {}).get("on_time", 0),
        }
        for community in communities
    ]



def attendance_by_role(meeting: Meeting) -> list[tuple[str, int | None, int]]:
    """(role, expected, actual) per participant role: who was expected and who checked in
    as that role. Expected is None where the meeting gave no figure for the role."""
    from wangge.consultation.models import ParticipantRole

    counts = dict(meeting.attendance.values_list("role").annotate(n=Count("id")))
    expected = meeting.expected_by_role or {}
    return [(label, expected.get(value), counts.get(value, 0)) for value, label in ParticipantRole.choices]
