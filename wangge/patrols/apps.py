from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "wangge.patrols"
    label = "patrols"
    verbose_name = "巡查走访"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("patrols/", "wangge.patrols.urls")]
