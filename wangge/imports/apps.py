from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """The Excel import engine: kinds come from each app's ``imports.py``."""

    name = "wangge.imports"
    label = "imports"
    verbose_name = "数据导入"
