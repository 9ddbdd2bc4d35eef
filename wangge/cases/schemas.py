"""The case API's request and answer shapes; each workflow action's body is built from
its entry in ``actions.ACTIONS``."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, create_model

from wangge.cases.actions import Action
from wangge.cases.models import Case, Status

Text = Field(default="", max_length=2000)
Reason = Field(min_length=1, max_length=2000)


# --------------------------------------------------------------------------- schemas


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    depth: int
    parent_code: str | None
    default_priority: str


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    category_id: int
    category_name: str
    priority: str
    source: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    grid_id: int | None
    handler_department_id: int | None
    handler_area_id: int | None
    handler_name: str
    created_at: datetime
    dispatched_at: datetime | None
    sign_due_at: datetime | None
    resolve_due_at: datetime | None
    is_overdue: bool
    is_due_soon: bool
    version: int

    @staticmethod
    def resolve_status_label(obj: Case | dict) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(Status(obj.status).label)

    @staticmethod
    def resolve_category_name(obj: Case | dict) -> str:
        return obj["category_name"] if isinstance(obj, dict) else obj.category.name

    @staticmethod
    def resolve_handler_name(obj: Case | dict) -> str:
        if isinstance(obj, dict):
            return obj["handler_name"]
        unit = obj.handler_department or obj.handler_area
        return unit.name if unit is not None else ""

    @staticmethod
    def resolve_is_overdue(obj: Case | dict) -> bool:
        if isinstance(obj, dict):
            return obj["is_overdue"]
        return bool(getattr(obj, "is_overdue", False))

    @staticmethod
    def resolve_is_due_soon(obj: Case | dict) -> bool:
        if isinstance(obj, dict):
            return obj["is_due_soon"]
        return bool(getattr(obj, "is_due_soon", False))


class EventOut(Schema):
    at: datetime
    action: str
    from_status: str
    to_status: str
    actor_name: str
    note: str
    data: dict


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int


class SummonsResponseOut(Schema):
    id: int
    summons_id: int
    department_id: int
    department_name: str
    urgent: bool
    issued_at: datetime
    due_at: datetime
    checked_in_at: datetime | None
    rating: int | None
    rating_note: str


class ReporterOut(Schema):
    name: str
    phone: str


class CaseDetailOut(CaseOut):
    anonymous: bool
    reporter: ReporterOut
    result: str
    pending_request: str
    rework_count: int
    return_count: int
    reopen_count: int
    supervision_count: int
    allowed_actions: list[str]
    events: list[EventOut]
    attachments: list[AttachmentOut]
    summons: list[SummonsResponseOut]


class CaseReportIn(Schema):
    category_id: int
    description: str = Field(min_length=1, max_length=2000)
    priority: Literal["urgent", "high", "normal", "complex"] | None = None
    source: Literal["resident", "grid_worker", "hotline", "meeting", "department"] | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    coord_system: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    address: str = Field(default="", max_length=200)
    grid_id: int | None = None
    anonymous: bool = False
    reporter_name: str = Field(default="", max_length=50)
    reporter_phone: str = Field(default="", max_length=30)


class TrackOut(Schema):
    number: str
    status: str
    status_label: str
    category_name: str
    created_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    result: str
    can_evaluate: bool
    timeline: list[dict]


class EvaluateIn(Schema):
    rating: Literal["satisfied", "basic", "unsatisfied"]
    comment: str = Field(default="", max_length=2000)


class SummonsIn(Schema):
    department_ids: list[int] = Field(min_length=1, max_length=20)
    urgent: bool = False
    reason: str = Field(default="", max_length=2000)


class CheckInIn(Schema):
    note: str = Field(default="", max_length=2000)


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    note: str = Field(default="", max_length=2000)


class KpiRowOut(Schema):
    key: str | int | None
    name: str
    dispatched: int
    resolved: int
    rated: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    return_rate: float | None
    composite: float | None


class CalendarYearOut(Schema):
    year: int
    has_data: bool
    message: str


# --------------------------------------------------------------------------- actions


class ActionIn(Schema):
    """Every action's body: ``expected_version`` guards against lost updates."""

    expected_version: int | None = None


def action_body_schema(action: Action) -> type[ActionIn]:
    """The body schema of one action, from its parameters in the specification (photos
    are uploaded to ``/attachments`` first, so the API takes none here)."""
    fields: dict = {}
    if action.unit:
        fields["handler_department"] = (int | None, None)
        fields["handler_area"] = (int | None, None)
    if action.passed:
        fields["passed"] = (bool, ...)
    if action.days is True:
        fields["days"] = (int, Field(ge=1, le=60))
    elif action.days is False:
        fields["days"] = (int | None, Field(default=None, ge=1, le=60))
    for name, text in action.texts():
        fields[name] = (str, Reason if text.required else Text)
    title = "".join(part.capitalize() for part in action.name.split("_"))
    return create_model(f"Case{title}In", __base__=ActionIn, **fields)
