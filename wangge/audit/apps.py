from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wangge.audit"
    label = "audit"
    verbose_name = "审计"
