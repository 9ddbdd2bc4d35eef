from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"

    def ready(self):
        from wangge.core import lookups  # noqa: F401  (registers path__under)
