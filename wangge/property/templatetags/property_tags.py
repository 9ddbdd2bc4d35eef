from django import template

from wangge.property.permissions import can_read_area_property, is_company_user

register = template.Library()


@register.filter
def property_area_staff(user) -> bool:
    return can_read_area_property(user)


@register.filter
def property_company_user(user) -> bool:
    return is_company_user(user)
