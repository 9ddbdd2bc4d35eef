from django import template
from django.utils.translation import gettext

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


@register.simple_tag
def cell(row, code, decimals=0):
    """A row's figure for ``code``, linked to the records behind it when the indicator
    says where they are (``row["links"]``)."""
    from django.utils.html import format_html

    text = figure((row.get("values") or {}).get(code), decimals)
    url = (row.get("links") or {}).get(code)
    if url and text != "—":
        return format_html(
            '<a class="figure-link" href="{}" title="{}">{}</a>', url, gettext("查看相关事件"), text
        )
    return text


@register.filter
def in_brackets(unit):
    """``（件）`` in Chinese, `` (cases)`` in English; nothing without a unit."""
    if not unit:
        return ""
    from wangge.indicators.labels import english

    return f" ({unit})" if english() else f"（{unit}）"


@register.filter
def kind_label(kind):
    """``area.kind|kind_label`` — the area level in the reader's language."""
    from wangge.indicators.labels import kind_label as label

    return label(kind)
