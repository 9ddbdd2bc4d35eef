from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo engine: the city builder, the history simulation, and the discovery of
    every app's ``demo.py`` (no shared file names a domain's part of the demo)."""

    name = "wangge.demo"
    label = "demo"
    verbose_name = "演示数据"
