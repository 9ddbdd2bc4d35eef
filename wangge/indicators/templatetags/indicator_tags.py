from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``values|lookup:code`` — a dict item in a template."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def figure(value, decimals=0):
    """A figure as leaders read it: thousands separated, fixed decimals, "—" when empty."""
    if value is None or value == "":
        return "—"
    decimals = int(decimals or 0)
    return f"{value:,.{decimals}f}"
