from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, Tile

from . import permissions as perms
from . import selectors

MENU = [
    MenuItem(_("新就业群体"), "employment:home", perms.can_read_employment, order=105),
    MenuItem(_("驿站来访登记"), "employment:stations", perms.can_keep_station, order=106),
]
WORKBENCH = [
    Tile(_("从业人员上报待办结"), "employment:reports",
         lambda user: selectors.reports_visible_to(user).exclude(case__status__in=selectors.RESOLVED)
         .exclude(case__status="rejected").count(),
         perms.can_read_employment, tone="warn", order=430),
]
AUDIT_LABELS = {
    "employment_company_create": _("登记新业态企业"),
    "employment_worker_register": _("登记新就业群体从业人员"),
    "employment_worker_withdraw": _("从业人员撤回同意"),
    "employment_worker_reveal": _("查看从业人员完整信息"),
    "employment_branch_found": _("登记新建党组织"),
    "employment_instructor_assign": _("选派党建指导员"),
    "employment_service_record": _("记录关爱服务"),
    "employment_station_visit": _("登记驿站来访"),
}
