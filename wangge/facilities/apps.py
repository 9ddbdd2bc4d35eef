from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """Service positions (服务阵地), their logs, the walking network and the 15-minute
    service circle. Depends on ``wangge.people`` (residents per building), never the
    other way round."""

    name = "wangge.facilities"
    label = "facilities"
    verbose_name = _("服务阵地")
    urls = [("facilities/", "wangge.facilities.urls")]
