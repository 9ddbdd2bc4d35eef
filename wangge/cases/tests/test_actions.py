"""The one workflow table drives the service, the buttons, the forms and the API."""

import pytest
from django.urls import reverse

from wangge.cases.actions import ACTION_BY_NAME, ACTIONS, action_get
from wangge.cases.api import ACTION_ENDPOINTS
from wangge.cases.forms import ACTION_LABELS, ActionForm
from wangge.cases.selectors import case_allowed_actions
from wangge.cases.services.workflow import STEPS
from wangge.cases.tests.factories import CaseFactory

FORM_FIELD = {"handler_department": "target", "handler_area": "target", "photos": "photo"}


def test_every_action_has_one_step_one_endpoint_and_one_label():
    # given the specification
    names = [action.name for action in ACTIONS]
    # then
    assert len(names) == len(set(names)) == 17
    assert set(STEPS) == set(names)
    assert [name for name, _, _, _ in ACTION_ENDPOINTS] == names
    assert {a.name: a.button_label for a in ACTIONS} == ACTION_LABELS
    assert ACTION_LABELS["escalate"] == "上报上级" and ACTION_BY_NAME["escalate"].label == "上报"
    assert action_get("return_") is ACTION_BY_NAME["return"]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_api_body_takes_the_actions_parameters(action):
    # given the generated endpoint
    (schema,) = [s for name, _, s, _ in ACTION_ENDPOINTS if name == action.name]
    # then photos travel through /attachments, everything else is in the body
    assert set(schema.model_fields) == (action.params - {"photos"}) | {"expected_version"}
    for name, text in action.texts():
        assert schema.model_fields[name].is_required() is text.required


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_form_takes_the_actions_parameters(world, action):
    # given a case the form is built for
    case = CaseFactory.reported(world)
    # when
    form = ActionForm(action=action.name, user=world.community_staff, case=case)
    # then
    assert set(form.fields) == {FORM_FIELD.get(p, p) for p in action.params} | {"version"}
    assert form.label == action.button_label and form.danger is action.danger
    for name, text in action.texts():
        assert form.fields[name].required is text.required
        assert form.fields[name].label == text.label


def test_api_routes_use_the_actions_path(world):
    # given
    case = CaseFactory.dispatched(world)
    # then
    assert reverse("api:case_extend_request", kwargs={"case_id": case.pk}) == (
        f"/api/cases/{case.pk}/extend-request"
    )


def test_buttons_follow_status_permission_and_the_actions_own_condition(world):
    # given a dispatched case with a pending extension request
    case = CaseFactory.with_pending_extension(world)
    # then the dispatcher may approve or refuse it; nobody may ask again meanwhile
    dispatcher = case_allowed_actions(user=world.community_staff, case=case)
    handler = case_allowed_actions(user=world.handler, case=case)
    assert {"extend_approve", "extend_reject"} <= set(dispatcher)
    assert "extend_request" not in handler and "suspend_request" not in handler
    assert {"resolve", "return"} <= set(handler)
