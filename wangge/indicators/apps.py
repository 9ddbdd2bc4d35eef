from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "wangge.indicators"
    label = "indicators"
    verbose_name = "指标与驾驶舱"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("dashboard/", "wangge.indicators.urls")]
