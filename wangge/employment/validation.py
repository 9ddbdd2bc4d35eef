"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
31-character alphabet (no I, O, Z, S, V), the last a check character."""

from django.utils.translation import gettext as _

from wangge.core.errors import ApplicationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """None when ``value`` is a valid code, else the reason in words."""
    if len(value) != 18:
        return _("统一社会信用代码应为 18 位")
    bad = [ch for ch in value if ch not in ALPHABET]
    if bad:
        return _("统一社会信用代码含有无效字符：{chars}").format(chars="".join(sorted(set(bad))))
    if credit_code_check_char(value[:17]) != value[17]:
        return _("统一社会信用代码校验位不正确")
    return None


def clean_credit_code(value: str | None, *, field: str = "credit_code") -> str:
    code = (value or "").strip().upper()
    if not code:
        raise ApplicationError(_("请填写统一社会信用代码"), field=field)
    error = credit_code_error(code)
    if error:
        raise ApplicationError(error, field=field)
    return code


def make_credit_code(body: str) -> str:
    """A valid code from its first 17 characters (demo and tests)."""
    return body + credit_code_check_char(body)
