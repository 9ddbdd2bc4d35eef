"""The example domain's notices: a broken bench tells the grid workers of its grid, once.
Found by ``NotificationsConfig.ready`` like every domain's ``notices`` module."""

from django.db.models import Q

from tests.exampledomain.models import Bench
from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import path_in_scope
from wangge.notifications.registry import Draft, register_deadline_source, register_kinds

register_kinds({"bench_broken": "长椅损坏"})


def broken_bench_drafts(now):
    for bench in Bench.objects.filter(broken=True).select_related("grid"):
        holders = RoleAssignment.objects.current().filter(
            Q(role=Role.GRID_WORKER, area=bench.grid), user__is_active=True
        )
        for row in holders.select_related("user"):
            yield Draft(
                key=f"bench:{bench.pk}:broken:u{row.user_id}",
                kind="bench_broken",
                title=f"长椅“{bench.name}”损坏，请安排维修",
                area_path=bench.area_path,
                subject=f"exampledomain.bench:{bench.pk}",
                recipient=row.user,
            )


def may_notify(user, draft):
    return path_in_scope(user, draft.area_path, {Role.GRID_WORKER})


register_deadline_source("exampledomain", drafts=broken_bench_drafts, may_notify=may_notify)
