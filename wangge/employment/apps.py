from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    """New-employment groups (新就业群体): the census of platform companies and their
    couriers, riders and drivers, the party members and branches among them, the services
    they receive and the reports they make (docs/domain.md, "New-employment groups")."""

    name = "wangge.employment"
    label = "employment"
    verbose_name = _("新就业群体")
    roles = [
        # The market regulator's / party-building officer for the platform economy: keeps the
        # census, the branches and instructors, records services, within an area subtree.
        ("EMPLOYMENT_STAFF", "employment_staff", _("新就业群体工作专员")),
    ]
    urls = [("employment/", "wangge.employment.urls")]
