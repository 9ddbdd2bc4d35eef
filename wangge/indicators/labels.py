"""An indicator's name, unit and group as the reader's language shows them.

Names come from the definitions (``name_zh`` / ``name_en``); units and group headings
are short words translated through the catalogue of wangge.indicators.
"""

from django.utils.translation import get_language, gettext, pgettext

from wangge.indicators.definitions import Indicator


def english() -> bool:
    return (get_language() or "").startswith("en")


def indicator_name(indicator: Indicator) -> str:
    return indicator.name_en if english() and indicator.name_en else indicator.name_zh


def indicator_unit(indicator: Indicator) -> str:
    return pgettext("unit", indicator.unit) if indicator.unit else ""


def indicator_group(indicator: Indicator) -> str:
    return gettext(str(indicator.group)) if indicator.group else ""


def kind_label(kind) -> str:
    """An area level's name (``AreaKind`` labels are plain Chinese words)."""
    from wangge.areas.models import AreaKind

    return pgettext("area level", str(AreaKind(kind).label))
