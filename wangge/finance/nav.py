from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, PublicLink, Tile

from . import permissions as perms
from .selectors import unmatched_demands

MENU = [MenuItem(_("普惠金融"), "finance:home", perms.can_read_finance, order=126)]
WORKBENCH = [
    Tile(_("待对接金融需求"), "finance:demands?status=collected",
         lambda user: unmatched_demands(user).count(), perms.can_write_finance, tone="warn", order=410),
]
PUBLIC = [PublicLink(_("贷款产品"), "finance:products", _("普惠金融贷款产品目录"), order=126)]
AUDIT_LABELS = {
    "finance_demand_collect": _("登记金融需求"),
    "finance_demand_match": _("对接贷款产品"),
    "finance_demand_grant": _("记录放款"),
    "finance_demand_decline": _("记录未获贷"),
    "finance_consent": _("登记信用信息授权"),
    "finance_consent_withdraw": _("撤回信用信息授权"),
    "finance_rate": _("信用评定"),
    "finance_credit_confirm": _("确认信用村镇"),
    "finance_reveal": _("查看信用信息"),
}
