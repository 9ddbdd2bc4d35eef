from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.core.nav import MenuItem, PublicLink, Tile

from .views import benches_in_scope

MENU = [MenuItem(_("长椅"), "exampledomain:bench_list", permissions.can_read_registry, order=95)]
WORKBENCH = [
    Tile(_("待修长椅"), "exampledomain:bench_list?broken=1",
         lambda user: benches_in_scope(user).filter(broken=True).count(),
         permissions.can_read_registry, tone="warn", order=300),
]
PUBLIC = [PublicLink(_("长椅报修"), "exampledomain:bench_list", _("公园长椅坏了告诉我们"), order=90)]
AUDIT_LABELS = {"bench_fix": _("修好长椅")}
