from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, PublicLink, Tile
from wangge.property import permissions
from wangge.property.selectors import committees_visible_to, opinions_visible_to

MENU = [MenuItem(_("红色物业"), "property:estate_list", permissions.can_read_property, order=105)]
WORKBENCH = [
    Tile(_("意见超期未答复"), "property:opinion_list?state=overdue",
         lambda user: opinions_visible_to(user, state="overdue").count(),
         permissions.can_read_property, tone="danger", order=340),
    Tile(_("业委会即将届满"), "property:committee_list?expiring=on",
         lambda user: committees_visible_to(user, expiring=True).count(),
         permissions.can_read_area_property, tone="warn", order=350),
]
PUBLIC = [PublicLink(_("物业意见簿"), "property:public_estates", _("给物业留言、评价物业服务"), order=96)]
AUDIT_LABELS = {
    "property_company_register": _("登记物业公司"),
    "property_company_party": _("关联公司党组织"),
    "property_staff_add": _("添加物业公司人员"),
    "property_staff_end": _("物业公司人员离职"),
    "property_estate_save": _("保存小区物业档案"),
    "property_committee_record": _("登记业委会"),
    "property_fee_record": _("记录物业费收缴"),
    "property_opinion_write": _("意见簿留言"),
    "property_opinion_reply": _("答复意见"),
    "property_opinion_case": _("意见转事件"),
    "property_rating": _("物业满意度评价"),
}
