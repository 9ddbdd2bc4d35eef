from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, PublicLink, Tile

from . import permissions as perms
from .models import LeaveStatus
from .selectors import enrolments_visible_to

MENU = [
    MenuItem(_("干部培训"), "training:home", perms.can_read_ledgers, order=120),
    MenuItem(_("我的学时"), "training:mine", perms.is_cadre, order=121),
]
WORKBENCH = [
    Tile(_("待审批请假"), "training:home",
         lambda user: enrolments_visible_to(user).filter(leaves__status=LeaveStatus.PENDING).count(),
         perms.is_organiser, tone="warn", order=400),
]
PUBLIC = [PublicLink(_("精品课程"), "training:excellent", _("干部教育培训精品课程"), order=120)]
AUDIT_LABELS = {
    "training_unit_create": _("新增成员单位"),
    "training_cadre_create": _("新增干部"),
    "training_need_submit": _("提交培训需求"),
    "training_need_link": _("需求对应课程"),
    "training_course_create": _("新增课程"),
    "training_course_excellent": _("评选精品课程"),
    "training_class_create": _("开设班次"),
    "training_enrol": _("报名培训"),
    "training_check_in": _("扫码签到"),
    "training_leave_request": _("培训请假"),
    "training_leave_decide": _("审批请假"),
    "training_withdraw": _("作退学处理"),
    "training_reinstate": _("恢复学籍"),
    "training_credit_add": _("登记学时"),
    "training_rate": _("评价班次"),
}
