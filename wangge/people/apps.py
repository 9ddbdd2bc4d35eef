from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "wangge.people"
    label = "people"
    verbose_name = "人口信息"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("", "wangge.people.urls_site")]
