from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, Panel, Tile
from wangge.party import permissions, selectors

MENU = [
    MenuItem(_("党建引领"), "party:home", permissions.can_read_party, order=100),
    MenuItem(_("党员中心户"), "party:central", permissions.can_see_central_contacts, order=101),
]
WORKBENCH = [
    Tile(_("组织关系介绍信已过期"), "party:transfer_list?show=expired",
         lambda user: selectors.transfers_expired(user=user).count(),
         permissions.can_read_party, tone="danger", order=400),
    Tile(_("流动党员超期未联系"), "party:mobile",
         lambda user: selectors.flows_not_contacted(user=user).count(),
         permissions.can_read_party, tone="warn", order=410),
    Tile(_("预备期即将期满"), "party:mobile?show=probation",
         lambda user: selectors.probation_due(user=user).count(),
         permissions.can_read_party, tone="warn", order=420),
]
PANELS = [
    Panel("people.household", lambda request, household: _central_panel(request, household), order=100),
]


def _central_panel(request, household) -> str:
    from wangge.party.views_meetings import household_central_panel

    return household_central_panel(request, household)


AUDIT_LABELS = {
    "party_org_create": _("新建党组织"),
    "party_org_update": _("修改党组织"),
    "party_member_create": _("登记党员"),
    "party_member_update": _("修改党员信息"),
    "party_member_reveal": _("查看党员完整信息"),
    "party_transfer_issue": _("开具组织关系介绍信"),
    "party_transfer_receive": _("接收组织关系"),
    "party_transfer_return": _("退回组织关系介绍信"),
    "party_flow_out": _("登记流动党员"),
    "party_flow_contact": _("联系流动党员"),
    "party_meeting_record": _("记录三会一课"),
    "party_hours_confirm": _("确认双报到服务时长"),
    "party_meeting_photo": _("上传三会一课照片"),
    "party_dual_register": _("登记双报到"),
    "party_dual_update": _("修改双报到认领与报告"),
    "party_hours_log": _("记录双报到服务时长"),
    "party_dual_feedback": _("寄送双报到反馈单"),
}
