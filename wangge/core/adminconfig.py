from django.contrib.admin.apps import AdminConfig


class WanggeAdminConfig(AdminConfig):
    """django.contrib.admin with the scoped back-office site (core.admin)."""

    default_site = "wangge.core.admin.WanggeAdminSite"
