from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wangge.web"
    label = "web"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("", "wangge.web.urls")]
