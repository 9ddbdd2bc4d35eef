"""Cells as people type them: text, dates, choices, lengths — the checks every kind uses."""

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl.utils.datetime import from_excel

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
DATE_FORMATS_HINT = "2024-01-05、2024/1/5、2024.1.5、20240105 或 2024年1月5日"
# A row that still carries a template's example value is refused with this reason.
EXAMPLE_REASON = gettext_noop("这是模板中的示例行，请删除后再导入")


class CellInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: numbers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """Dates as people type them, or an Excel date cell; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))  # 20240105 typed into a number cell
        elif 1 <= value < 2_958_466:
            return from_excel(value).date()  # an Excel serial day number
        else:
            raise CellInvalid(gettext("日期格式无法识别（可填 %(formats)s）") % {"formats": DATE_FORMATS_HINT})
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    else:
        match = _DATE_TEXT.match(text)
        if match is None:
            raise CellInvalid(gettext("日期格式无法识别（可填 %(formats)s）") % {"formats": DATE_FORMATS_HINT})
        parts = match.groups()
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise CellInvalid(gettext("日期不存在，请核对年月日")) from exc


def sheet_words(labels: Iterable[Any]) -> list[str]:
    """Choice labels as a sheet spells them: in the site's own language (Chinese) whatever
    language the page is shown in, because the cells are read in that language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [str(label) for label in labels]


def choice_map(choices, extra: dict[str, str]) -> dict[str, str]:
    """Label → value for a TextChoices' choices, plus the everyday words in ``extra``."""
    values = [value for value, _label in choices]
    mapping = dict(zip(sheet_words(label for _value, label in choices), values, strict=True))
    mapping.update(extra)
    return mapping


def parse_choice(value: Any, mapping: dict[str, str], labels: Iterable[str]) -> str:
    text = "".join(cell_text(value).split())
    if text in mapping:
        return mapping[text]
    raise CellInvalid(
        gettext("「%(text)s」不是可选值，可填：%(labels)s")
        % {"text": text, "labels": "、".join(sheet_words(labels))}
    )


_YES = {"是", "有", "Y", "y", "yes", "Yes", "YES", "1", "true", "TRUE", "True", "√"}
_NO = {"否", "无", "N", "n", "no", "No", "NO", "0", "false", "FALSE", "False", "×"}


def parse_bool(value: Any) -> bool:
    """是/否 (and the usual spellings of yes and no)."""
    if isinstance(value, bool):
        return value
    text = "".join(cell_text(value).split())
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellInvalid(gettext("「%(text)s」不是可选值，可填：是、否") % {"text": text})


def limit(text: str, length: int, label: str) -> str:
    if len(text) > length:
        raise CellInvalid(gettext("%(label)s不能超过 %(length)s 个字") % {"label": label, "length": length})
    return text


def text_parser(length: int, label: str) -> Callable[[Any], str]:
    return lambda value: limit(cell_text(value), length, label)
