from django.contrib.admin.apps import AdminConfig


class WanggeAdminConfig(AdminConfig):
    """django.contrib.admin with the scoped back-office site (accounts.backoffice)."""

    default_site = "wangge.accounts.backoffice.WanggeAdminSite"
