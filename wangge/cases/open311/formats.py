"""GeoReport v2 wire formats: the same rows rendered as JSON or XML.

The spec (wiki.open311.org/GeoReport_v2) fixes the shapes: a JSON answer is a list of
objects (a service definition is one object); an XML answer has a plural root with one
singular element per row (``<services><service>``, ``<service_requests><request>``,
``<errors><error>``). Nested lists follow the same rule (``<attributes><attribute>``,
``<values><value>``). Missing values are ``null`` in JSON and empty elements in XML.
"""

import json
import re
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from wangge.core.clock import LOCAL_TZ
from wangge.core.middleware import refusal_where

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

# Element name of one member of a nested list, by the list's name.
_SINGULAR = {"attributes": "attribute", "values": "value"}
# Characters XML 1.0 cannot carry at all; user text may contain them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with the offset, in local time: ``2024-05-01T09:30:00+08:00``."""
    if value is None:
        return None
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def _json_value(value):
    if isinstance(value, datetime):
        return w3c_datetime(value)
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _xml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c_datetime(value)
    return _XML_ILLEGAL.sub("", str(value))


def _xml_fill(element: ET.Element, row: dict) -> None:
    for key, value in row.items():
        child = ET.SubElement(element, key)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            singular = _SINGULAR.get(key, key.rstrip("s"))
            for member in value:
                _xml_fill(ET.SubElement(child, singular), member)
        elif isinstance(value, dict):
            _xml_fill(child, value)
        else:
            child.text = _xml_text(value)


def to_xml(rows, *, root: str, item: str | None) -> bytes:
    """``rows`` is a list rendered as ``<root><item>…</item>…</root>``, or, with ``item``
    None, one dict rendered as ``<root>…</root>``."""
    top = ET.Element(root)
    if item is None:
        _xml_fill(top, rows)
    else:
        for row in rows:
            _xml_fill(ET.SubElement(top, item), row)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def to_json(rows) -> bytes:
    return json.dumps(_json_value(rows), ensure_ascii=False).encode()


def respond(fmt: str, rows, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    body = to_json(rows) if fmt == JSON else to_xml(rows, root=root, item=item)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Public data for any 311 client, including browser apps on other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: ``<errors><error><code>…<description>…`` or a JSON list of
    ``{"code", "description"}``; the code is the HTTP status."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, rows, root="errors", item="error", status=status)


def input_refusal_response(request, refusal) -> HttpResponse:
    """Input refused before any view (``wangge.core.middleware``) under ``/open311/``:
    the spec's error list, XML for a ``.xml`` path, naming the field when there is one.
    Declared on the cases AppConfig (``input_refusal_formats``)."""
    where = refusal_where(refusal)
    text = f"{where}：{refusal.message}" if where else refusal.message
    fmt = XML if (request.path_info or "").endswith(".xml") else JSON
    return error_response(fmt, refusal.status, text)
