"""schemathesis against our OpenAPI document (docs/security.md): whatever a signed-in client
sends to any operation, the API answers with a client error at worst, never a 500 — with
NUL bytes, huge numbers and out-of-range dates among the input (issue 9, item 6).

Project-level: it fuzzes every app's routes with a domain's data (cases), so it lives
outside wangge/api (the shell imports no domain app)."""

import pytest
import schemathesis
from django.test import Client
from hypothesis import given

from wangge.api.main import api
from wangge.api.tests.fuzzing import FUZZ, configure, hostile_cases, send
from wangge.testing import build_city
from wangge.testing.cases import CaseFactory
from wangge.testing.worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["community_staff", "grid_worker", "handler"])
def test_no_operation_answers_500_to_any_input(who):
    # given a small city with cases, and one of its users signed in
    world = build_world(build_city())
    CaseFactory.accepted(world)
    CaseFactory.reported(world)
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, who))
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    configure(schema)
    failures, answered = [], []
    # when every operation gets generated input, some of it hostile
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=hostile_cases(operation))
        def run(case):
            response = send(client, case)
            answered.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body))

        run()
    # then none answered with a server error (and the generated input did get through)
    assert failures == []
    assert any(200 <= status < 300 for status in answered)
    assert any(status == 400 for status in answered)  # the hostile ones met the refusal
