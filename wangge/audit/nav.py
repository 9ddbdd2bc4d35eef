from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.accounts import permissions
from wangge.core.nav import MenuItem

MENU = [MenuItem(_("审计日志"), "audit:list", permissions.can_read_audit, order=40)]

# Actions every app writes through the shared helpers (denials, admin edits, files).
AUDIT_LABELS = {
    "access_denied": _("越权访问被拒绝"),
    "reveal": _("查看完整个人信息"),
    "bulk_read": _("批量查阅人员信息"),
    "import": _("导入"),
    "export": _("导出"),
    "create": _("新增"),
    "update": pgettext_lazy("audit action", "修改"),
    "delete": _("删除"),
    "admin_action": _("后台批量操作"),
}
AUDIT_OBJECTS = {"user": _("用户")}
