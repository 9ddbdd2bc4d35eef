from django.utils.translation import gettext_lazy as _

from wangge.core.basemap import Basemap
from wangge.core.nav import MenuItem, PublicLink

from .permissions import can_log_services, can_read_facilities


def _network_loaded() -> bool:
    from .models import Network

    return Network.objects.exists()


MENU = [
    MenuItem(_("服务阵地"), "facilities:list", can_read_facilities, order=100),
    MenuItem(_("记录阵地服务"), "facilities:stations", can_log_services, order=101),
]
# The walking network drawn as the basemap of every map (report page, grid map, command
# screen, facility pages): wangge.core.basemap finds it here; no other app names this one.
BASEMAP = [Basemap("facilities:basemap", available=_network_loaded)]
PUBLIC = [PublicLink(_("身边的服务"), "facilities:near", _("离您最近的党群服务中心、红色驿站和小区服务站"), order=30)]
AUDIT_LABELS = {
    "facility_create": _("新增服务阵地"),
    "facility_update": _("修改服务阵地"),
    "facility_service_log": _("记录阵地服务"),
    "facility_network_load": _("载入步行路网"),
    "facility_scenario_create": _("新建模拟方案"),
    "facility_scenario_change": _("调整模拟方案"),
}
