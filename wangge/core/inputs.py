"""Safe parsers for what every request may carry: page numbers, small integers and dates.

Each answers a value the database and Python's date arithmetic can hold, or refuses in
words a user understands; no page number, id or date from a client reaches a query or a
``timedelta`` unchecked. The request-wide part (NUL bytes, body size) is
``wangge.core.middleware.InputCleaningMiddleware``.
"""

from datetime import date, datetime
from typing import Annotated

from django import forms
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator

from wangge.core.errors import ApplicationError

# Far beyond any real list (20 rows a page), far below where OFFSET overflows a bigint.
MAX_PAGE = 1_000_000
# Dates we accept anywhere: the oldest resident's birth to any plausible deadline. Outside
# this range, converting to UTC or adding a day overflows (year 1 and 9999).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"日期须在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间"


def int_param(raw, *, default: int | None = None, low: int = 1, high: int = 2**62) -> int | None:
    """An integer typed by a client (ASCII digits only, within ``low..high``), or ``default``.
    ``"²".isdigit()`` is true and ``int()`` of 5,000 digits raises; neither gets past here."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return default
    value = int(text)
    return value if low <= value <= high else default


def page_number(raw) -> int:
    """The page a list was asked for: 1 when missing or odd, at most ``MAX_PAGE`` (a
    paginator then shows its last page)."""
    text = str(raw if raw is not None else "").strip()
    if text.isascii() and text.isdigit() and len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return int_param(text, default=1, high=MAX_PAGE)


def date_checked(value: date | datetime | None, *, field: str = "") -> date | datetime | None:
    """``value`` if it lies within ``DATE_MIN``..``DATE_MAX``, else ApplicationError."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        message = f"{field}：{DATE_RANGE_MESSAGE}" if field else DATE_RANGE_MESSAGE
        raise ApplicationError(message, field=field or None)
    return value


def _in_range(value):
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(DATE_RANGE_MESSAGE)
    return value


# For ninja/pydantic schemas and query parameters: a 422 naming the field, never a 500.
SafeDate = Annotated[date, AfterValidator(_in_range)]
SafeDateTime = Annotated[datetime, AfterValidator(_in_range)]


class SafeDateField(forms.DateField):
    """A form's date within ``DATE_MIN``..``DATE_MAX``."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return date_checked(value)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code="date_range") from None


class Pages(PageNumberPagination):
    """ninja's page-number pagination with the page bounded (``page=10**30`` is a 422
    naming the parameter, not an OFFSET that overflows the database)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
