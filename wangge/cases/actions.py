"""The workflow's one specification: every action on a case, in one table.

``ACTIONS`` says, per action, from which statuses it may run and to which status it
leads, who may take it (a predicate of ``permissions``), when its button is offered, its
labels (button, refusal messages, API summary), its API path segment and the parameters
it takes (which free texts, whether required). Everything else reads it:

- ``services.workflow.case_transition`` checks status and permission against it (each
  action's step function must take exactly the parameters listed here);
- ``selectors.case_allowed_actions`` offers the buttons;
- ``forms.ActionForm`` builds each action's form fields;
- ``api_actions`` builds each action's endpoint and body schema.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from wangge.cases import permissions as perms
from wangge.cases.models import OPEN_STATUSES, Case, Status


@dataclass(frozen=True)
class Text:
    """A free-text parameter of an action (``note``, ``reason`` or ``result``)."""

    label: str
    required: bool = False


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the verb, in refusals: "不能{label}"
    sources: frozenset[str]
    target: str | None  # None: the status stays (or the step decides, e.g. verify)
    allowed: Callable[..., bool]  # (user, case) → may this user take it
    summary: str  # the API operation's summary
    button: str = ""  # the button and timeline label (default: ``label``)
    slug: str = ""  # the API path segment (default: the name with dashes)
    note: Text | None = None
    reason: Text | None = None
    result: Text | None = None
    days: bool | None = None  # None: no ``days``; True: required; False: optional
    passed: bool = False  # a verdict (verify)
    unit: bool = False  # a handler unit (``handler_department`` / ``handler_area``)
    photos: bool = False  # photos with the form (the API uploads them separately)
    danger: bool = False  # a red button
    offered: Callable[[Case], bool] | None = None  # more than status and permission

    @property
    def button_label(self) -> str:
        return self.button or self.label

    @property
    def path(self) -> str:
        return self.slug or self.name.replace("_", "-")

    @property
    def params(self) -> frozenset[str]:
        """The keyword parameters ``case_transition`` takes for this action."""
        names = {n for n in ("note", "reason", "result") if getattr(self, n) is not None}
        if self.days is not None:
            names.add("days")
        if self.passed:
            names.add("passed")
        if self.unit:
            names |= {"handler_department", "handler_area"}
        if self.photos:
            names.add("photos")
        return frozenset(names)

    def texts(self) -> list[tuple[str, Text]]:
        return [(n, t) for n in ("result", "reason", "note") if (t := getattr(self, n))]


S = Status
NOTE = Text(gettext_lazy("备注"))
HANDLING = frozenset({S.DISPATCHED, S.IN_PROGRESS})


def _no_pending_request(case: Case) -> bool:
    return not case.pending_request


def _extension_pending(case: Case) -> bool:
    return case.pending_request == "extension"


def _below_street(case: Case) -> bool:
    return case.dispatcher_area_id is not None and case.dispatcher_area.depth > 3


ACTIONS: tuple[Action, ...] = (
    Action(
        "accept", gettext_lazy("立案"), frozenset({S.REPORTED}), S.ACCEPTED, perms.can_accept, gettext_lazy("立案"),
        note=NOTE,
    ),
    Action(
        "reject", gettext_lazy("作废"), frozenset({S.REPORTED, S.ACCEPTED}), S.REJECTED, perms.can_accept,
        gettext_lazy("作废（需说明原因）"), reason=Text(gettext_lazy("作废原因"), required=True), danger=True,
    ),
    Action(
        "dispatch", gettext_lazy("派遣"), frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.DISPATCHED,
        perms.can_dispatch, gettext_lazy("派遣（不指定单位则按分派规则）"), unit=True, note=NOTE,
    ),
    Action("sign", gettext_lazy("签收"), HANDLING, S.IN_PROGRESS, perms.can_handle, gettext_lazy("签收"), note=NOTE),
    Action(
        "resolve", gettext_lazy("办结"), frozenset({S.IN_PROGRESS}), S.RESOLVED, perms.can_handle,
        gettext_lazy("办结（处置照片先上传到 attachments）"), result=Text(gettext_lazy("处置结果"), required=True),
        photos=True,
    ),
    Action(
        "return", gettext_lazy("退回"), HANDLING, S.RETURNED, perms.can_handle, gettext_lazy("退回"),
        reason=Text(gettext_lazy("退回原因"), required=True), danger=True,
    ),
    Action(
        "extend_request", gettext_lazy("申请延期"), HANDLING, None, perms.can_handle, gettext_lazy("申请延期"),
        days=True, reason=Text(gettext_lazy("延期理由"), required=True), offered=_no_pending_request,
    ),
    Action(
        "extend_approve", gettext_lazy("批准延期"), HANDLING, None, perms.is_dispatcher, gettext_lazy("批准延期"),
        days=False, note=NOTE,
    ),
    Action(
        "extend_reject", gettext_lazy("驳回延期"), HANDLING, None, perms.is_dispatcher, gettext_lazy("驳回延期申请"),
        note=NOTE, danger=True, offered=_extension_pending,
    ),
    Action(
        "suspend_request", gettext_lazy("申请挂账"), HANDLING, None, perms.can_handle, gettext_lazy("申请挂账"),
        reason=Text(gettext_lazy("挂账理由"), required=True), offered=_no_pending_request,
    ),
    # Approving a requested suspension may keep the request's reason.
    Action(
        "suspend", gettext_lazy("挂账"), HANDLING, S.SUSPENDED, perms.is_dispatcher, gettext_lazy("挂账（批准）"),
        reason=Text(gettext_lazy("挂账理由")),
    ),
    Action("resume", gettext_lazy("恢复办理"), frozenset({S.SUSPENDED}), None, perms.is_dispatcher, gettext_lazy("恢复办理"),
           note=NOTE),
    Action(
        "verify", gettext_lazy("核查"), frozenset({S.RESOLVED}), None, perms.can_verify, gettext_lazy("核查"),
        passed=True, note=Text(gettext_lazy("核查说明（不通过时必填）")),
    ),
    Action("close", gettext_lazy("结案"), frozenset({S.VERIFIED}), S.CLOSED, perms.is_dispatcher, gettext_lazy("结案"),
           note=NOTE),
    Action(
        "escalate", gettext_lazy("上报"), frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.ACCEPTED,
        perms.is_dispatcher, gettext_lazy("上报上级"), button=gettext_lazy("上报上级"),
        reason=Text(gettext_lazy("上报原因"), required=True), offered=_below_street,
    ),
    Action(
        "supervise", gettext_lazy("督办"), OPEN_STATUSES - {S.VERIFIED}, None, perms.can_supervise, gettext_lazy("督办"),
        note=Text(gettext_lazy("督办意见"), required=True),
    ),
    Action(
        "reopen", gettext_lazy("重新办理"), frozenset({S.VERIFIED, S.CLOSED}), S.DISPATCHED,
        perms.is_dispatcher, gettext_lazy("重新办理"), reason=Text(gettext_lazy("重新办理原因"), required=True),
    ),
)
ACTION_BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
# Other spellings callers may use (``return`` is a Python keyword).
ACTION_ALIASES = {"return_": "return"}


def action_get(name: str) -> Action | None:
    """The action called ``name`` (or one of its aliases), or None."""
    return ACTION_BY_NAME.get(ACTION_ALIASES.get(name, name))


def action_is_offered(action: Action, *, user, case: Case) -> bool:
    """Whether ``user`` may take ``action`` on ``case`` now (status, permission, and the
    action's own condition, e.g. a pending request)."""
    return (
        case.status in action.sources
        and (action.offered is None or action.offered(case))
        and action.allowed(user, case)
    )
