from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wangge.audit"
    label = "audit"
    verbose_name = "审计"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("audit/", "wangge.audit.urls")]
