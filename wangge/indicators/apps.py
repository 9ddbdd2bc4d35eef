from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "wangge.indicators"
    label = "indicators"
    verbose_name = "指标与驾驶舱"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("dashboard/", "wangge.indicators.urls")]

    def ready(self) -> None:
        # Every installed app's indicators.py registers its figures (see definitions.py).
        from wangge.indicators.definitions import discover

        discover()
