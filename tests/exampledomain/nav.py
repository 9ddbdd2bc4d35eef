from django.utils.translation import gettext_lazy as _

from wangge.core.nav import MenuItem, PublicLink, Tile

from .permissions import can_read_benches
from .views import benches_in_scope

MENU = [MenuItem(_("长椅"), "exampledomain:bench_list", can_read_benches, order=95)]
WORKBENCH = [
    Tile(_("待修长椅"), "exampledomain:bench_list?broken=1",
         lambda user: benches_in_scope(user).filter(broken=True).count(),
         can_read_benches, tone="warn", order=300),
]
PUBLIC = [PublicLink(_("长椅报修"), "exampledomain:bench_report", _("公园长椅坏了告诉我们"), order=90)]
AUDIT_LABELS = {"bench_fix": _("修好长椅")}
