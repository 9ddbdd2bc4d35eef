from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "wangge.consultation"
    label = "consultation"
    verbose_name = _("协商议事")
    urls = [("consultation/", "wangge.consultation.urls")]
