"""Red property notices: an opinion-book entry past its reply deadline tells the staff of
its community and of the company managing its estate, once each (found by
NotificationsConfig.ready like every domain's notices)."""

from django.db.models import Q

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import path_in_scope
from wangge.core import clock
from wangge.notifications.registry import (
    DEADLINE_LOOKBACK,
    Draft,
    register_deadline_source,
    register_kinds,
)
from wangge.property.models import CompanyStaff, EstateProfile, OpinionEntry
from wangge.property.permissions import company_ids_of

register_kinds({"opinion_overdue": "意见簿超期未答复"})
NOTIFY_ROLES = frozenset({Role.COMMUNITY_STAFF})


def overdue_opinion_drafts(now, since=None):
    """Drafts for the unanswered entries whose reply deadline passed since the previous
    scan (``since``; the first scan looks back a week): a scan every few minutes reads the
    few entries that just went overdue, not every one ever left unanswered."""
    floor = now - DEADLINE_LOOKBACK
    if since is not None and since > floor:
        floor = since
    entries = OpinionEntry.objects.filter(
        replied_at__isnull=True, reply_due__lt=now, reply_due__gte=floor
    ).select_related("estate")
    for entry in entries.order_by("reply_due", "pk")[:2000]:
        community_path = entry.area_path[:16]
        holders = RoleAssignment.objects.current().filter(
            role=Role.COMMUNITY_STAFF, area__path=community_path, user__is_active=True
        )
        users = [row.user for row in holders.select_related("user")]
        users += _company_staff(entry.estate_id)
        for user in users:
            yield Draft(
                key=f"opinion:{entry.pk}:overdue:u{user.pk}",
                kind="opinion_overdue",
                title=f"“{entry.estate.name}”意见簿有留言超期未答复",
                link=f"/property/opinions/{entry.pk}/",
                area_path=entry.area_path,
                subject=f"property.opinionentry:{entry.pk}",
                recipient=user,
            )


def _company_staff(estate_id: int) -> list:
    company_id = EstateProfile.objects.filter(estate_id=estate_id).values_list("company_id", flat=True).first()
    if company_id is None:
        return []
    today = clock.today()
    rows = CompanyStaff.objects.filter(company_id=company_id, since__lte=today, user__is_active=True).filter(
        Q(until__isnull=True) | Q(until__gt=today)).select_related("user")
    return [row.user for row in rows]


def may_notify(user, draft):
    if path_in_scope(user, draft.area_path, NOTIFY_ROLES):
        return True
    # the company's staff, for an entry on an estate their company manages now
    entry_id = int(draft.subject.rsplit(":", 1)[1])
    estate_id = OpinionEntry.objects.filter(pk=entry_id).values_list("estate_id", flat=True).first()
    company_id = EstateProfile.objects.filter(estate_id=estate_id).values_list("company_id", flat=True).first()
    return company_id is not None and company_id in company_ids_of(user)


register_deadline_source(
    "property", drafts=overdue_opinion_drafts, may_notify=may_notify, windowed=True
)
