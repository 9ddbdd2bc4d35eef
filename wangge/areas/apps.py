from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "wangge.areas"
    label = "areas"
    verbose_name = "区域网格"
