"""Consultation notices: a resolution past its due date and not done tells the staff of
its community, once (found by NotificationsConfig.ready like every domain's notices)."""

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import path_in_scope
from wangge.consultation.models import Resolution, ResolutionStatus
from wangge.notifications.registry import Draft, register_deadline_source, register_kinds

register_kinds({"resolution_overdue": "决议事项逾期未完成"})
NOTIFY_ROLES = frozenset({Role.COMMUNITY_STAFF})


def overdue_resolution_drafts(now):
    rows = Resolution.objects.filter(
        due_date__lt=now.date(), status__in=[ResolutionStatus.PLANNED, ResolutionStatus.IN_PROGRESS]
    )
    for resolution in rows.order_by("pk")[:500]:
        holders = RoleAssignment.objects.current().filter(
            role=Role.COMMUNITY_STAFF, area_id=resolution.community_id, user__is_active=True
        )
        for row in holders.select_related("user"):
            yield Draft(
                key=f"resolution:{resolution.pk}:overdue:u{row.user_id}",
                kind="resolution_overdue",
                title=f"决议事项“{resolution.title}”已逾期，请更新进度",
                link=f"/consultation/resolutions/{resolution.pk}/",
                area_path=resolution.area_path,
                subject=f"consultation.resolution:{resolution.pk}",
                recipient=row.user,
            )


def may_notify(user, draft):
    return path_in_scope(user, draft.area_path, NOTIFY_ROLES)


register_deadline_source("consultation", drafts=overdue_resolution_drafts, may_notify=may_notify)
