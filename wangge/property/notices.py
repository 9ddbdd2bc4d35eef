"""Red property notices: an opinion-book entry past its reply deadline tells the staff of
its community, once (found by NotificationsConfig.ready like every domain's notices)."""

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import path_in_scope
from wangge.notifications.registry import Draft, register_deadline_source, register_kinds
from wangge.property.models import OpinionEntry

register_kinds({"opinion_overdue": "意见簿超期未答复"})
NOTIFY_ROLES = frozenset({Role.COMMUNITY_STAFF})


def overdue_opinion_drafts(now):
    entries = OpinionEntry.objects.filter(replied_at__isnull=True, reply_due__lt=now).select_related("estate")
    for entry in entries.order_by("pk")[:500]:
        community_path = entry.area_path[:16]
        holders = RoleAssignment.objects.current().filter(
            role=Role.COMMUNITY_STAFF, area__path=community_path, user__is_active=True
        )
        for row in holders.select_related("user"):
            yield Draft(
                key=f"opinion:{entry.pk}:overdue:u{row.user_id}",
                kind="opinion_overdue",
                title=f"“{entry.estate.name}”意见簿有留言超期未答复",
                link=f"/property/opinions/{entry.pk}/",
                area_path=entry.area_path,
                subject=f"property.opinionentry:{entry.pk}",
                recipient=row.user,
            )


def may_notify(user, draft):
    return path_in_scope(user, draft.area_path, NOTIFY_ROLES)


register_deadline_source("property", drafts=overdue_opinion_drafts, may_notify=may_notify)
