"""schemathesis against our OpenAPI document (security.md): whatever a signed-in client
sends to any operation, the API answers with a client error at worst, never a 500."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NOT_SET

from wangge.api.main import api
from wangge.cases.tests.factories import CaseFactory, build_world
from wangge.testing import build_city

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def _form_value(value):
    if isinstance(value, bytes | bytearray):
        return SimpleUploadedFile("photo.jpg", bytes(value))
    return value if isinstance(value, str | int | float) else json.dumps(value)


def _send(client: Client, case):
    """The generated request, through Django's test client (signed in by session)."""
    url = case.formatted_path + (f"?{urlencode(case.query, doseq=True)}" if case.query else "")
    headers = {k: str(v) for k, v in (case.headers or {}).items()}
    body = None if case.body is NOT_SET else case.body
    if case.method == "GET":
        return client.get(url, headers=headers)
    if case.media_type and "multipart" in case.media_type:
        form = {k: _form_value(v) for k, v in (body or {}).items() if v is not None}
        return client.post(url, data=form, headers=headers)
    return client.generic(
        case.method,
        url,
        "" if body is None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("who", ["community_staff", "grid_worker", "handler"])
def test_no_operation_answers_500_to_any_input(who):
    # given a small city with cases, and one of its users signed in
    world = build_world(build_city())
    CaseFactory.accepted(world)
    CaseFactory.reported(world)
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, who))
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    failures, answered = [], []
    # when every operation gets generated input
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            response = _send(client, case)
            answered.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body))

        run()
    # then none answered with a server error (and the generated input did get through)
    assert failures == []
    assert any(200 <= status < 300 for status in answered)
