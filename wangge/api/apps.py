from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wangge.api"
    label = "api"
