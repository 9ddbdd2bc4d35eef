from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "wangge.indicators"
    label = "indicators"
    verbose_name = "指标与驾驶舱"
