"""Every workflow action for the roles allowed and refused; a refusal changes nothing."""

import pytest

from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, CaseEvent, Status
from wangge.cases.services import TRANSITIONS, case_transition
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.testing.cases import CaseFactory

# action → (starting state, parameters, expected status, allowed roles, refused roles)
MATRIX = {
    "accept": (
        "reported",
        {},
        Status.ACCEPTED,
        ["community_staff", "street_staff"],
        [
            "grid_worker",
            "handler",
            "district_officer",
            "city_officer",
            "other_community_staff",
            "resident",
        ],
    ),
    "reject": (
        "reported",
        {"reason": "重复上报"},
        Status.REJECTED,
        ["community_staff", "street_staff"],
        ["grid_worker", "handler", "district_officer", "other_community_staff"],
    ),
    "dispatch": (
        "accepted",
        {},
        Status.DISPATCHED,
        ["community_staff", "street_staff"],
        ["grid_worker", "handler", "district_officer", "other_community_staff", "resident"],
    ),
    "sign": (
        "dispatched",
        {},
        Status.IN_PROGRESS,
        ["handler"],
        ["community_staff", "street_staff", "grid_worker", "other_handler"],
    ),
    "resolve": (
        "in_progress",
        {"result": "已修复"},
        Status.RESOLVED,
        ["handler"],
        ["community_staff", "street_staff", "other_handler", "grid_worker"],
    ),
    "return": (
        "dispatched",
        {"reason": "不属于本部门"},
        Status.RETURNED,
        ["handler"],
        ["community_staff", "other_handler", "street_staff"],
    ),
    "extend_request": (
        "in_progress",
        {"days": 3, "reason": "需采购配件"},
        Status.IN_PROGRESS,
        ["handler"],
        ["community_staff", "other_handler"],
    ),
    "extend_approve": (
        "with_pending_extension",
        {},
        Status.IN_PROGRESS,
        ["community_staff", "street_staff"],
        ["handler", "grid_worker", "other_community_staff"],
    ),
    "extend_reject": (
        "with_pending_extension",
        {"note": "时限足够"},
        Status.IN_PROGRESS,
        ["community_staff"],
        ["handler", "grid_worker"],
    ),
    "suspend_request": (
        "in_progress",
        {"reason": "需整体改造"},
        Status.IN_PROGRESS,
        ["handler"],
        ["community_staff", "other_handler"],
    ),
    "suspend": (
        "in_progress",
        {"reason": "列入改造计划"},
        Status.SUSPENDED,
        ["community_staff", "street_staff"],
        ["handler", "grid_worker", "district_officer"],
    ),
    "resume": (
        "suspended",
        {},
        Status.IN_PROGRESS,
        ["community_staff"],
        ["handler", "grid_worker"],
    ),
    "verify": (
        "resolved",
        {"passed": True},
        Status.VERIFIED,
        ["grid_worker", "community_staff"],
        ["handler", "other_community_staff", "district_officer", "resident"],
    ),
    "close": (
        "verified",
        {},
        Status.CLOSED,
        ["community_staff", "street_staff"],
        ["grid_worker", "handler", "city_officer"],
    ),
    "escalate": (
        "accepted",
        {"reason": "社区无力解决"},
        Status.ACCEPTED,
        ["community_staff"],
        ["handler", "grid_worker", "district_officer"],
    ),
    "supervise": (
        "dispatched",
        {"note": "请加快办理"},
        Status.DISPATCHED,
        ["street_staff", "district_officer", "city_officer"],
        ["community_staff", "handler", "grid_worker"],
    ),
    "reopen": (
        "closed",
        {"reason": "问题复发"},
        Status.DISPATCHED,
        ["community_staff"],
        ["handler", "grid_worker", "resident"],
    ),
}

ALLOWED = [(action, role) for action, row in MATRIX.items() for role in row[3]]
REFUSED = [(action, role) for action, row in MATRIX.items() for role in row[4]]


def test_matrix_covers_every_action():
    assert set(MATRIX) == set(TRANSITIONS)


@pytest.mark.parametrize(("action", "role"), ALLOWED)
def test_allowed_role_performs_action(world, action, role):
    # given
    state, params, expected, _, _ = MATRIX[action]
    case = CaseFactory.build(world, state)
    events_before = case.events.count()
    audit_before = AuditEvent.objects.filter(action=f"case_{action}").count()
    # when
    result = case_transition(
        actor=world.user(role),
        case_id=case.pk,
        action=action,
        expected_version=case.version,
        **params,
    )
    # then
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == expected
    assert stored.version == case.version + 1
    assert result.version == stored.version
    last = stored.events.order_by("-id").first()
    assert (last.action, last.from_status, last.to_status) == (action, case.status, expected)
    assert last.actor == world.user(role)
    assert stored.events.count() == events_before + 1
    assert AuditEvent.objects.filter(action=f"case_{action}").count() == audit_before + 1


@pytest.mark.parametrize(("action", "role"), REFUSED)
def test_refused_role_changes_nothing(world, action, role):
    # given
    state, params, _, _, _ = MATRIX[action]
    case = CaseFactory.build(world, state)
    snapshot = Case.objects.filter(pk=case.pk).values().get()
    events_before = CaseEvent.objects.count()
    audit_before = AuditEvent.objects.count()
    # when
    with pytest.raises((PermissionRefused, NotFoundOrForbidden)) as refusal:
        case_transition(actor=world.user(role), case_id=case.pk, action=action, **params)
    # then the case is untouched and only a denial (for a visible case) is audited
    assert Case.objects.filter(pk=case.pk).values().get() == snapshot
    assert CaseEvent.objects.count() == events_before
    denied = 1 if isinstance(refusal.value, PermissionRefused) else 0
    assert AuditEvent.objects.count() == audit_before + denied
    assert AuditEvent.objects.filter(outcome="denied").count() == denied


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("other_community_staff", NotFoundOrForbidden),
        ("other_handler", NotFoundOrForbidden),
        ("resident", NotFoundOrForbidden),
        ("grid_worker", PermissionRefused),
    ],
)
def test_out_of_scope_is_not_found_and_in_scope_refusal_is_forbidden(world, role, error):
    # given
    case = CaseFactory.reported(world)
    # when / then
    with pytest.raises(error):
        case_transition(actor=world.user(role), case_id=case.pk, action="accept")


def test_action_from_wrong_status_is_a_conflict_and_changes_nothing(world):
    # given
    case = CaseFactory.reported(world)
    # when
    with pytest.raises(ApplicationError) as raised:
        case_transition(actor=world.handler, case_id=case.pk, action="sign")
    # then: the handler cannot even see a case not dispatched to them
    assert raised.value.code == "not_found"
    with pytest.raises(ApplicationError) as raised:
        case_transition(actor=world.community_staff, case_id=case.pk, action="close")
    assert raised.value.code == "conflict"
    assert "已上报" in raised.value.message
    assert Case.objects.get(pk=case.pk).version == 1


def test_stale_expected_version_is_a_conflict(world):
    # given
    case = CaseFactory.accepted(world)
    # when
    with pytest.raises(ApplicationError) as raised:
        case_transition(
            actor=world.street_staff,
            case_id=case.pk,
            action="dispatch",
            expected_version=case.version - 1,
        )
    # then
    assert raised.value.code == "conflict"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (Status.ACCEPTED, case.version)


def test_return_alias_and_unknown_parameters(world):
    # given
    case = CaseFactory.dispatched(world)
    # when
    with pytest.raises(ApplicationError) as raised:
        case_transition(
            actor=world.handler,
            case_id=case.pk,
            action="return_",
            reason="不是我们的",
            status="closed",
        )
    # then: a field the action does not take is refused, not applied
    assert raised.value.field == "status"
    case = case_transition(
        actor=world.handler, case_id=case.pk, action="return_", reason="不是我们的"
    )
    assert (case.status, case.return_count) == (Status.RETURNED, 1)
    assert (case.sign_due_at, case.resolve_due_at) == (None, None)


def test_required_reasons(world):
    # given
    case = CaseFactory.reported(world)
    # when / then
    with pytest.raises(ApplicationError) as raised:
        case_transition(actor=world.community_staff, case_id=case.pk, action="reject", reason="  ")
    assert raised.value.field == "reason"
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED


def test_failed_verification_is_rework(world):
    # given
    case = CaseFactory.resolved(world)
    # when
    case = case_transition(
        actor=world.grid_worker, case_id=case.pk, action="verify", passed=False, note="灯仍不亮"
    )
    # then
    assert (case.status, case.rework_count, case.resolved_at) == (Status.IN_PROGRESS, 1, None)
    assert case.events.order_by("-id").first().data == {"passed": False}


def test_dispatch_uses_routing_table_and_refuses_foreign_units(world):
    # given
    case = CaseFactory.accepted(world)
    # when: a community may not send a case to a department the table does not name
    with pytest.raises(PermissionRefused):
        case_transition(
            actor=world.community_staff,
            case_id=case.pk,
            action="dispatch",
            handler_department=world.other_department.pk,
        )
    # then: without a unit, the routing table decides
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    assert case.handler_department == world.department
    assert case.events.order_by("-id").first().data["routed"] is True


def test_street_dispatches_returned_case_to_another_department(world):
    # given
    case = CaseFactory.returned(world)
    # when
    case = case_transition(
        actor=world.street_staff,
        case_id=case.pk,
        action="dispatch",
        handler_department=world.other_department.pk,
    )
    # then
    assert (case.status, case.handler_department) == (Status.DISPATCHED, world.other_department)
    assert case.resolve_due_at is not None


def test_escalation_moves_the_case_to_the_street(world):
    # given
    case = CaseFactory.accepted(world)
    # when
    case = case_transition(
        actor=world.community_staff, case_id=case.pk, action="escalate", reason="涉及多个部门"
    )
    # then: the community can no longer dispatch it, the street can
    assert case.dispatcher_area == world.street
    with pytest.raises(PermissionRefused):
        case_transition(actor=world.community_staff, case_id=case.pk, action="dispatch")
    case = case_transition(actor=world.street_staff, case_id=case.pk, action="dispatch")
    assert case.status == Status.DISPATCHED
    with pytest.raises(ApplicationError):
        case_transition(
            actor=world.street_staff, case_id=case.pk, action="escalate", reason="再上报"
        )


def test_extension_request_then_approval_uses_requested_days(world):
    # given
    case = CaseFactory.with_pending_extension(world)
    due = case.resolve_due_at
    # when
    case = case_transition(actor=world.community_staff, case_id=case.pk, action="extend_approve")
    # then
    from wangge.cases.calendar import add_working_minutes

    assert case.resolve_due_at == add_working_minutes(due, 3 * 24 * 60)
    assert (case.pending_request, case.pending_request_data) == ("", {})


def test_second_pending_request_is_refused(world):
    # given
    case = CaseFactory.with_pending_extension(world)
    # when / then
    with pytest.raises(ApplicationError) as raised:
        case_transition(
            actor=world.handler, case_id=case.pk, action="suspend_request", reason="另案"
        )
    assert raised.value.code == "conflict"
