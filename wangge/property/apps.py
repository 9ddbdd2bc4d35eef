from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "wangge.property"
    label = "property"
    verbose_name = _("红色物业")
    urls = [("property/", "wangge.property.urls")]
