from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.core.nav import MenuItem

MENU = [MenuItem(_("工作台"), "web:home", permissions.is_staff_user, order=10)]
