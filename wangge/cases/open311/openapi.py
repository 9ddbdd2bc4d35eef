"""An OpenAPI 3 description of our Open311 GeoReport v2 endpoints.

They are plain Django views, not ninja operations, so the API's own document does not
list them; this one lets schemathesis fuzz them as it fuzzes ``/api/``
(``wangge/cases/tests/test_open311_fuzz.py``). Parameters follow the spec
(wiki.open311.org/GeoReport_v2) and ``views.py``.
"""

FORMAT = {"name": "format", "in": "path", "required": True, "schema": {"enum": ["json", "xml"]}}
TEXT = {"type": "string"}


def _query(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema or TEXT}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": TEXT}


ANSWERS = {"200": {"description": "GeoReport answer"}, "400": {"description": "error list"}}

REPORT_FIELDS = {
    "api_key": TEXT,
    "service_code": TEXT,
    "lat": {"type": "number"},
    "long": {"type": "number"},
    "address_string": TEXT,
    "address_id": TEXT,
    "attribute[area]": TEXT,
    "attribute[anonymous]": {"enum": ["true", "false"]},
    "description": TEXT,
    "first_name": TEXT,
    "last_name": TEXT,
    "phone": TEXT,
    "email": TEXT,
    "device_id": TEXT,
    "account_id": TEXT,
    "media_url": TEXT,
}


def open311_schema(prefix: str = "/open311/v2") -> dict:
    form = {"type": "object", "properties": REPORT_FIELDS, "required": ["api_key"]}
    multipart = {
        "type": "object",
        "properties": {**REPORT_FIELDS, "media": {"type": "string", "format": "binary"}},
        "required": ["api_key"],
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Wangge Open311 GeoReport v2", "version": "2"},
        "paths": {
            f"{prefix}/services.{{format}}": {
                "get": {"operationId": "services", "parameters": [FORMAT], "responses": ANSWERS}
            },
            f"{prefix}/services/{{service_code}}.{{format}}": {
                "get": {
                    "operationId": "service_definition",
                    "parameters": [_path("service_code"), FORMAT],
                    "responses": ANSWERS,
                }
            },
            f"{prefix}/requests.{{format}}": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        FORMAT,
                        _query("service_request_id"),
                        _query("service_code"),
                        _query("start_date", {"type": "string", "format": "date-time"}),
                        _query("end_date", {"type": "string", "format": "date-time"}),
                        _query("status", {"enum": ["open", "closed", "open,closed"]}),
                        _query("jurisdiction_id"),
                    ],
                    "responses": ANSWERS,
                },
                "post": {
                    "operationId": "request_create",
                    "parameters": [FORMAT],
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": form},
                            "multipart/form-data": {"schema": multipart},
                        }
                    },
                    "responses": ANSWERS,
                },
            },
            f"{prefix}/requests/{{service_request_id}}.{{format}}": {
                "get": {
                    "operationId": "request",
                    "parameters": [_path("service_request_id"), FORMAT],
                    "responses": ANSWERS,
                }
            },
            f"{prefix}/tokens/{{token}}.{{format}}": {
                "get": {
                    "operationId": "token",
                    "parameters": [_path("token"), FORMAT],
                    "responses": ANSWERS,
                }
            },
        },
    }
