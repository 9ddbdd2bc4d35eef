from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    """Rural inclusive finance (普惠金融): stations, institutions and postings, the
    households' and villages' demand lists, loan products and loans, credit ratings and
    the credit villages and towns a person confirms (docs/domain.md, "Rural finance").
    Reads the registry's households through wangge.people and places its stations as a
    facility type of wangge.facilities."""

    name = "wangge.finance"
    label = "finance"
    verbose_name = _("普惠金融")
    roles = [
        # The banner's or town's finance office: reads all finance in its subtree, imports
        # the institutions' loan spreadsheets, confirms credit villages and towns.
        ("FINANCE_OFFICER", "finance_officer", _("金融办专员")),
        # A village finance assistant (an account manager of a bank): the demand lists and
        # ratings of the villages their assignments name.
        ("FINANCE_ASSISTANT", "finance_assistant", _("村级金融助理员")),
    ]
    urls = [("finance/", "wangge.finance.urls")]

    def ready(self) -> None:
        from wangge.people.needs import NeedKind, register_need_kind

        from .services_demand import demand_from_visit

        register_need_kind(NeedKind(key="finance", label=_("金融需求"), handler=demand_from_visit))
