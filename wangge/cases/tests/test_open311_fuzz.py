"""schemathesis against the Open311 endpoints (described in ``open311/openapi.py``): no
login, a valid or a made-up api_key, NUL bytes, huge numbers and year-1 dates among the
input; never a 500 (issue 9, item 6)."""

import pytest
import schemathesis
from django.test import Client
from django.urls import get_resolver
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from wangge.api.tests.fuzzing import FUZZ, configure, hostile_cases, send
from wangge.cases.open311.openapi import open311_schema
from wangge.testing import build_city
from wangge.testing.cases import CaseFactory
from wangge.testing.worlds import build_world

pytestmark = pytest.mark.django_db
API_KEY = "fuzz-open311-key"


# Open311 URL names → the schema's operations (media serves a stored file: no input).
OPERATIONS_OF_URL = {
    "services": {"services"},
    "service": {"service_definition"},
    "requests": {"requests", "request_create"},
    "request": {"request"},
    "token": {"token"},
}


def test_the_schema_describes_every_open311_view_that_takes_input():
    # given the Open311 URL patterns and the schema's operations
    open311 = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "open311"
    )
    names = {pattern.name for pattern in open311.url_patterns} - {"media"}
    described = {
        operation["operationId"]
        for path in open311_schema()["paths"].values()
        for operation in path.values()
    }
    # then every view is described, and nothing else is
    assert names == set(OPERATIONS_OF_URL)
    assert described == set().union(*OPERATIONS_OF_URL.values())


def test_no_open311_operation_answers_500_to_any_input(settings):
    # given public categories, cases, and an Open311 client key
    settings.WANGGE_OPEN311_API_KEYS = [API_KEY]
    world = build_world(build_city())
    CaseFactory.accepted(world)
    CaseFactory.reported(world)
    client = Client(raise_request_exception=False)
    schema = schemathesis.openapi.from_dict(open311_schema())
    configure(schema)
    failures, answered = [], []
    # when every operation gets generated input, half the POSTs with a valid key
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(FUZZ, max_examples=40)  # few operations, each cheap: look harder
        @given(case=hostile_cases(operation), keyed=st.booleans())
        def run(case, keyed):
            if keyed and isinstance(case.body, dict):
                case.body = {**case.body, "api_key": API_KEY}
            response = send(client, case)
            answered.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body))

        run()
    # then none answered with a server error
    assert failures == []
    assert any(200 <= status < 300 for status in answered)
    assert any(status == 400 for status in answered)
