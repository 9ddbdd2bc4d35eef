import importlib
import importlib.util

from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "wangge.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    urls = [("notifications/", "wangge.notifications.urls")]

    def ready(self) -> None:
        # Each domain app may ship a `notices` module that registers its sources of
        # notices (who is told what, and when); nothing here names a domain app.
        for config in apps.get_app_configs():
            module = f"{config.name}.notices"
            if config.name != self.name and importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
