"""The closed loop in the shell: menu, workbench tiles, the public front door's entries and
its audit actions in words (wangge.core.nav)."""

from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.cases import permissions as perms
from wangge.cases.live_map import can_view_live_map
from wangge.cases.permissions import CASE_DESK_ROLES, can_work_cases  # noqa: F401
from wangge.cases.selectors import case_workbench_counts
from wangge.core.nav import MenuItem, PublicLink, Tile, per_request

HANDLING_ROLES = perms.AREA_HANDLER_ROLES | {Role.DEPARTMENT_HANDLER}


def _roles(roles):
    return lambda user: has_any_role(user, roles)


def _count(box: str):
    # Every case tile reads the same aggregate, asked once per request.
    return lambda user: per_request(
        "cases.workbench", user, lambda: case_workbench_counts(user=user)
    )[box]


MENU = [MenuItem(_("事件工作台"), "cases:work_list", can_work_cases, order=70)]

_WORK = "cases:work_list?tab="
WORKBENCH = [
    Tile(_("待立案"), _WORK + "to_accept", _count("to_accept"), _roles(perms.DISPATCH_ROLES),
         tone="warn", order=100),
    Tile(_("待派遣"), _WORK + "to_dispatch", _count("to_dispatch"),
         _roles(perms.DISPATCH_ROLES), tone="warn", order=110),
    Tile(_("待签收"), _WORK + "my_unit_open&status=dispatched", _count("to_sign"),
         _roles(HANDLING_ROLES), tone="warn", order=120),
    Tile(_("待办结"), _WORK + "my_unit_open&status=in_progress", _count("to_resolve"),
         _roles(HANDLING_ROLES), order=130),
    Tile(_("待核查"), _WORK + "to_verify", _count("to_verify"),
         _roles(perms.VERIFY_ROLES | perms.DISPATCH_ROLES), tone="warn", order=140),
    Tile(_("已超期"), _WORK + "overdue", _count("overdue"), can_work_cases, tone="danger",
         order=150),
    Tile(_("即将到期"), _WORK + "due_soon", _count("due_soon"), can_work_cases, tone="warn",
         order=160),
    Tile(_("吹哨待报到"), _WORK + "summons_pending", _count("summons_pending"),
         _roles({Role.DEPARTMENT_HANDLER}), tone="warn", order=170),
]

PUBLIC = [
    PublicLink(_("我要上报"), "cases:report",
               _("路面破损、垃圾堆放、噪音扰民……拍照上报，网格员会处理"), order=10),
    PublicLink(_("我的上报"), "cases:my_reports",
               _("在这部手机上报过、关注过的问题，查看办理进度并评价"), order=20),
    PublicLink(_("用查询码查询"), "cases:track",
               _("在别的设备上报的，用查询码查看办理进度"), order=30),
]

# Audit actions the closed loop writes: "case_" + the transition, and its own.
AUDIT_LABELS = {
    "case_report": _("上报事件"),
    "case_attachment": _("上传事件照片"),
    "case_accept": _("事件立案"),
    "case_reject": _("事件作废"),
    "case_dispatch": _("事件派遣"),
    "case_sign": _("事件签收"),
    "case_resolve": _("事件办结"),
    "case_return": _("事件退回"),
    "case_extend_request": _("申请延期"),
    "case_extend_approve": _("批准延期"),
    "case_extend_reject": _("驳回延期"),
    "case_suspend_request": _("申请挂账"),
    "case_suspend": _("事件挂账"),
    "case_resume": _("事件恢复办理"),
    "case_verify": _("事件核查"),
    "case_close": _("事件结案"),
    "case_escalate": _("事件上报上级"),
    "case_supervise": _("事件督办"),
    "case_reopen": _("事件重新办理"),
    "case_evaluate": _("群众评价事件"),
    "case_summon": _("吹哨"),
    "case_check_in": _("部门报到"),
    "case_summons_rate": _("评价报到部门"),
}
AUDIT_PAGES = {
    "cases:detail": _("事件 {case_id} 的详情页"),
    "cases:act": _("事件 {case_id} 的办理"),
    "cases:summon": _("事件 {case_id} 的吹哨"),
    "cases:photo": _("事件 {case_id} 的照片"),
}

# Buttons on the dashboard beside its own (the dashboard finds them as it finds the menu).
DASHBOARD_LINKS = [MenuItem(_("实时案件"), "cases:live_map", can_view_live_map, order=20)]
