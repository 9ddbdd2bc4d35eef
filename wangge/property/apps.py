from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "wangge.property"
    label = "property"
    verbose_name = _("红色物业")
    # Property company staff: scoped to the estates their company manages (CompanyStaff),
    # never by area.
    roles = [("PROPERTY_STAFF", "property_staff", _("物业公司人员"))]
    urls = [("property/", "wangge.property.urls")]
