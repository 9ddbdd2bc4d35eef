"""The party module's notices: a probationary member's probation ends within the warning
days (``probation_warn_days``) — the secretary of the organisation holding the membership
is told once per member. Found by ``NotificationsConfig.ready``."""

from datetime import timedelta

from django.db.models import Q

from wangge.core import clock
from wangge.notifications.registry import Draft, register_deadline_source, register_kinds
from wangge.party.models import Member, OrgOfficer
from wangge.party.rules import rule

register_kinds({"party_probation_due": "预备期即将期满"})


def probation_drafts(now):
    today = clock.today()
    due = Member.objects.filter(
        stage="probationary", status="normal", probation_ends__lte=today + timedelta(days=rule("probation_warn_days"))
    ).select_related("org")
    offices = OrgOfficer.objects.filter(since__lte=today).filter(Q(until__isnull=True) | Q(until__gt=today))
    secretaries: dict[int, list] = {}
    for office in offices.filter(org__in={m.org_id for m in due}).select_related("user"):
        secretaries.setdefault(office.org_id, []).append(office.user)
    for member in due:
        for user in secretaries.get(member.org_id, []):
            yield Draft(
                key=f"party:member:{member.pk}:probation:{member.probation_ends}:u{user.pk}",
                kind="party_probation_due",
                title=f"党员{member.name}预备期将于 {member.probation_ends} 期满，请及时讨论转正",
                area_path=member.area_path,
                subject=f"party.member:{member.pk}",
                recipient=user,
            )


def may_notify(user, draft):
    """Only a secretary still holding office over the member's organisation."""
    from wangge.party.selectors import members_visible_to

    member_id = int(draft.subject.rsplit(":", 1)[1])
    return members_visible_to(user).filter(pk=member_id).exists()


register_deadline_source("party", drafts=probation_drafts, may_notify=may_notify)
