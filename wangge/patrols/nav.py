from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, Tile, per_request
from wangge.patrols import permissions
from wangge.patrols.selectors import visit_due_lists

MENU = [
    MenuItem(_("网格员工作台"), "patrols:app", permissions.can_work_grids, order=80),
    MenuItem(_("巡查走访"), "patrols:overview", permissions.can_supervise_patrols, order=90),
]


def _due(user):
    # One pass over the worker's households for both tiles (patrols.selectors).
    return per_request("patrols.due", user, lambda: visit_due_lists(worker=user))


WORKBENCH = [
    Tile(_("走访已超期"), "patrols:app", lambda user: len(_due(user).overdue),
         permissions.can_work_grids, tone="danger", order=200),
    Tile(_("今日应走访"), "patrols:app", lambda user: len(_due(user).due_today),
         permissions.can_work_grids, tone="warn", order=210),
]
