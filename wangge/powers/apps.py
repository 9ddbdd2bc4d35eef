from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    """Devolved powers (街道赋权): the city's standard list, each street's catalogue, the
    records of their use and the street's annual assessment of stationed offices
    (docs/domain.md, "Devolved powers"). Reads the closed loop through wangge.cases."""

    name = "wangge.powers"
    label = "powers"
    verbose_name = _("街道赋权")
    urls = [("powers/", "wangge.powers.urls")]
