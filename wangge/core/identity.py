"""Identity documents and phone numbers: parsing and validation (GB 11643-1999)."""

import re
import unicodedata
from datetime import date

from django.utils.translation import gettext as _

from wangge.core.errors import ApplicationError

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK_CHARS = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")  # hyphens, en/em dashes, minus sign


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def normalize_id_number(raw: str, doc_type: str = "id_card") -> str:
    """Return the canonical document number or raise ApplicationError (in Chinese)."""
    # NFKC: full-width digits and letters (１５０…Ｘ) as registers often carry them.
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw or ""))).upper()
    if not value:
        raise ApplicationError(_("证件号码不能为空"), code="required", field="id_number")
    if doc_type != "id_card":
        if not re.fullmatch(r"[A-Z0-9\-]{5,20}", value):
            raise ApplicationError(
                _("证件号码只能包含字母、数字和连字符，长度 5–20 位"), field="id_number"
            )
        return value
    if len(value) == 15:
        # Legacy first-generation numbers: all digits, birth date as YYMMDD in 19xx.
        if not value.isdigit() or _birth_date("19" + value[6:12]) is None:
            raise ApplicationError(_("15 位身份证号码格式不正确"), field="id_number")
        return value
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ApplicationError(_("身份证号码应为 18 位（最后一位可为 X）"), field="id_number")
    if _birth_date(value[6:14]) is None:
        raise ApplicationError(_("身份证号码中的出生日期无效"), field="id_number")
    if id_check_char(value[:17]) != value[17]:
        raise ApplicationError(_("身份证号码校验位不正确，请核对"), field="id_number")
    return value


def birth_date_from_id(value: str) -> date | None:
    if len(value) == 18:
        return _birth_date(value[6:14])
    if len(value) == 15:
        return _birth_date("19" + value[6:12])
    return None


def gender_from_id(value: str) -> str | None:
    digit = value[16] if len(value) == 18 else value[14] if len(value) == 15 else None
    if digit is None or not digit.isdigit():
        return None
    return "male" if int(digit) % 2 else "female"


def normalize_phone(raw: str) -> str:
    """A mobile as 11 digits (139-8765-4321, 139 8765 4321, +86…, full-width all accepted);
    a landline as typed (0472-1234567), or as digits when typed with other separators."""
    value = unicodedata.normalize("NFKC", str(raw or ""))
    value = re.sub(r"[\s()]", "", _DASHES.sub("-", value))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :].lstrip("-")
    digits = value.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(value):
        return value
    if _LANDLINE.match(digits):
        return digits
    raise ApplicationError(
        _("电话号码格式不正确（手机号 11 位，固话如 0472-1234567）"), field="phone"
    )
