from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.core.nav import MenuItem

MENU = [MenuItem(_("账号与角色"), "accounts:role_user_list", permissions.can_admin_users, order=50)]

AUDIT_LABELS = {
    "login": _("登录"),
    "login_failed": _("登录失败"),
    "login_locked": _("账号锁定中登录"),
    "login_throttled": _("同一地址登录失败过多被拒绝"),
    "logout": _("退出"),
    "session_expired": _("会话超时"),
    "otp_verified": _("动态口令验证"),
    "otp_failed": _("动态口令错误"),
    "otp_enrol": _("绑定动态口令"),
    "otp_reset": _("重置动态口令"),
    "password_change": _("修改密码"),
    "permission_change": _("权限变更"),
    "unlock": _("解除锁定"),
}
