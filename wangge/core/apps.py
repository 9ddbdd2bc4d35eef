from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from wangge.core import lookups  # noqa: F401  (registers path__under)
        from wangge.core.dbroles import refuse_superuser

        connection_created.connect(refuse_superuser, dispatch_uid="wangge.refuse_superuser")
