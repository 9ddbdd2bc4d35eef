from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.cases.views import can_work_cases
from wangge.core.admin import admin_link_visible
from wangge.patrols import permissions as patrol_permissions

# (label, url name, predicate): the sidebar shows what the user's roles allow.
NAV_ITEMS = [
    (_("工作台"), "web:home", permissions.is_staff_user),
    (_("居民"), "web:resident_list", permissions.can_read_registry),
    (_("户"), "web:household_list", permissions.can_read_registry),
    (_("关爱人群统计"), "web:care_tag_counts", permissions.can_read_registry),
    (_("数据导入"), "people:import", permissions.can_import),
    (_("审计日志"), "web:audit_list", permissions.can_read_audit),
    (_("账号与角色"), "accounts:role_user_list", permissions.can_admin_users),
    (_("驾驶舱"), "indicators:home", permissions.can_view_dashboard),
    (_("事件工作台"), "cases:work_list", can_work_cases),
    (_("网格员工作台"), "patrols:app", patrol_permissions.can_work_grids),
    (_("巡查走访"), "patrols:overview", patrol_permissions.can_supervise_patrols),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, name, allowed in NAV_ITEMS:
            if allowed(user):
                url = reverse(name)
                items.append({"label": label, "url": url,
                              "active": request.path == url or (url != "/" and request.path.startswith(url))})
        if admin_link_visible(request):
            items.append({"label": _("后台管理"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "map_tile_url": settings.WANGGE_MAP_TILE_URL}
