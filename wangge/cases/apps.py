from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wangge.cases"
    label = "cases"
    verbose_name = "事件闭环"
