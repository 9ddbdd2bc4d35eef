from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area
from wangge.core.nav import MenuItem, Tile
from wangge.people import permissions
from wangge.people.selectors import household_list_visible_to, resident_list_visible_to

MENU = [
    MenuItem(_("居民"), "people:resident_list", permissions.can_read_registry, order=20),
    MenuItem(_("户"), "people:household_list", permissions.can_read_registry, order=21),
    MenuItem(_("关爱人群统计"), "people:care_tag_counts", permissions.can_read_registry, order=22),
    MenuItem(_("数据导入"), "people:import", permissions.can_import, order=30),
]

# The registry's size in the user's areas (figures, not work: drawn after the work tiles).
WORKBENCH = [
    Tile(_("管辖网格"), "people:household_list",
         lambda user: filter_to_scope(Area.objects.filter(kind="grid"), user, field="path").count(),
         permissions.can_read_registry, order=900),
    Tile(_("户数"), "people:household_list",
         lambda user: household_list_visible_to(user=user).count(),
         permissions.can_read_registry, order=910),
    Tile(_("居民数"), "people:resident_list",
         lambda user: resident_list_visible_to(user=user).count(),
         permissions.can_read_registry, order=920),
]

KIND_WORDS = {"residents": "居民", "households": "户", "buildings": "楼栋", "resident": "居民",
              "household": "户"}
AUDIT_OBJECTS = {
    "people.import": lambda kind: f"{KIND_WORDS.get(kind, kind)}信息导入",
    "people.export": lambda kind: f"{KIND_WORDS.get(kind, kind)}信息导出",
    "resident": "居民信息",
    "household": "户信息",
}
AUDIT_PAGES = {
    "people:resident_detail": "居民 {resident_id} 的详情页",
    "people:resident_edit": "居民 {resident_id} 的编辑页",
    "people:resident_reveal": "居民 {resident_id} 的完整个人信息",
    "people:household_detail": "户 {household_id} 的详情页",
}
