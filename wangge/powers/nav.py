from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem

from . import permissions as perms

MENU = [MenuItem(_("街道赋权"), "powers:home", perms.can_read_powers, order=125)]
AUDIT_LABELS = {
    "powers_take_on": _("承接赋权事项"),
    "powers_exercise": _("记录行权"),
    "powers_assess": _("考核派驻机构"),
}
