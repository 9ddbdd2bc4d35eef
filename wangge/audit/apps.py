from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "wangge.audit"
    label = "audit"
    verbose_name = _("审计")
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("audit/", "wangge.audit.urls")]
