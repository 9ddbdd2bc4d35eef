"""Shared by the schemathesis tests: send a generated case through Django's test client,
and turn some generated cases hostile the way issue 9 found them (NUL bytes in every
string, 10**30 in every number, dates in year 1 and 9999, a NUL in ``Idempotency-Key``).

schemathesis already may generate ``\\x00`` (``allow_x00``) and unbounded integers, but in
a dozen examples it rarely does; the hostile variants make sure each operation meets them.
"""

import json
import re
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET

FUZZ = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
HUGE = 10**30
VARIANTS = ("as_generated", "nul", "huge", "dates", "idempotency_key")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# A date or date-time becomes one of these (local midnight of year 1 is year 0 in UTC).
HOSTILE_DATES = ("0001-01-01", "9999-12-31", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59Z")


def configure(schema) -> None:
    """NUL bytes allowed and UTF-8 text: the settings issue 9 asks the fuzz to run with
    (these are schemathesis 4's defaults today; stated so a new default cannot drop them)."""
    schema.config.generation.update(allow_x00=True, codec="utf-8")


def _hostile(value, variant: str, *, date_value: str):
    if isinstance(value, dict):
        return {key: _hostile(item, variant, date_value=date_value) for key, item in value.items()}
    if isinstance(value, list):
        return [_hostile(item, variant, date_value=date_value) for item in value]
    if isinstance(value, bool):
        return value
    if variant == "nul" and isinstance(value, str):
        return f"{value[:1]}\x00{value[1:]}"
    if variant == "huge" and isinstance(value, int | float):
        return HUGE
    if variant == "dates" and isinstance(value, str) and _DATE.match(value):
        return date_value
    return value


def hostile_cases(operation):
    """The operation's generated cases, some turned hostile."""

    def turn(args):
        case, variant, date_value = args
        if variant == "idempotency_key":
            case.headers = {**(case.headers or {}), "Idempotency-Key": "key\x00"}
            return case
        if variant == "as_generated":
            return case
        for name in ("query", "path_parameters"):
            value = getattr(case, name)
            if value:
                setattr(case, name, _hostile(value, variant, date_value=date_value))
        if case.body is not NOT_SET and not isinstance(case.body, bytes | bytearray):
            case.body = _hostile(case.body, variant, date_value=date_value)
        return case

    return st.tuples(
        operation.as_strategy(),
        st.sampled_from(VARIANTS),
        st.sampled_from(HOSTILE_DATES),
    ).map(turn)


def _form_value(value):
    if isinstance(value, bytes | bytearray):
        return SimpleUploadedFile("photo.jpg", bytes(value))
    return value if isinstance(value, str | int | float) else json.dumps(value)


def send(client: Client, case):
    """The generated request, through Django's test client."""
    url = case.formatted_path + (f"?{urlencode(case.query, doseq=True)}" if case.query else "")
    headers = {k: str(v) for k, v in (case.headers or {}).items()}
    body = None if case.body is NOT_SET else case.body
    if case.method == "GET":
        return client.get(url, headers=headers)
    media_type = case.media_type or ""
    if "multipart" in media_type or "x-www-form-urlencoded" in media_type:
        form = {k: _form_value(v) for k, v in (body or {}).items() if v is not None}
        if "multipart" in media_type:
            return client.post(url, data=form, headers=headers)
        return client.post(
            url,
            urlencode(form, doseq=True),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.generic(
        case.method,
        url,
        "" if body is None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
