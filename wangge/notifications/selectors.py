from django.db.models import Count, Q, QuerySet

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.notifications.models import Delivery, Notice


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_of(*, user, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def can_read_outbox(user) -> bool:
    return has_any_role(user, {Role.SYSTEM_ADMIN})


def outbox(*, status: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("notice")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def outbox_counts() -> dict[str, int]:
    return Delivery.objects.aggregate(
        pending=Count("pk", filter=Q(status="pending")),
        sent=Count("pk", filter=Q(status="sent")),
        failed=Count("pk", filter=Q(status="failed")),
    )
