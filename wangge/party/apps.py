from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    """Party organisations and members (党组织、党员台账、三会一课、双报到、党员中心户)."""

    name = "wangge.party"
    label = "party"
    verbose_name = _("党建引领")
    # A branch secretary's scope is their organisation subtree (party.OrgOfficer); party
    # staff of a community or street see its area subtree; ORG_DEPT (platform) the city.
    roles = [
        ("PARTY_SECRETARY", "party_secretary", _("党支部书记")),
        ("PARTY_STAFF", "party_staff", _("党务工作者")),
    ]
    urls = [("party/", "wangge.party.urls")]
