from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import PLATFORM_ROLES


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")
    roles = PLATFORM_ROLES  # a domain app declares its own the same way (accounts.roles)
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("account/", "wangge.accounts.urls")]

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from wangge.accounts.models import RoleAssignment
        from wangge.accounts.permissions import roles_changed

        def on_change(sender, instance, **kwargs):
            roles_changed(user_id=instance.user_id)

        # Saves and deletes through the ORM, the admin and cascades all pass here; a
        # bulk write must call roles_changed itself.
        post_save.connect(on_change, sender=RoleAssignment, weak=False)
        post_delete.connect(on_change, sender=RoleAssignment, weak=False)
