from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.core.nav import MenuItem

MENU = [MenuItem(_("驾驶舱"), "indicators:home", permissions.can_view_dashboard, order=60)]
