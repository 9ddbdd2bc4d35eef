"""The closed loop's writers. Nothing else changes a case's status.

- ``intake``: ``case_report`` opens a case;
- ``workflow``: ``case_transition`` performs every action of ``cases.actions.ACTIONS``;
- ``evaluation``: the reporter's verdict, the close after the follow-up window;
- ``summons``: 吹哨报到;
- ``photos``: checked, re-encoded photos; ``routing``: handler units and deadlines;
  ``numbering``: case numbers.

Each writer locks the case row, writes its timeline event and audit row
(``cases.events``) and recomputes deadlines in one transaction. This package re-exports
the public names, so ``from wangge.cases.services import case_report`` keeps working.
"""

from wangge.cases.actions import ACTION_ALIASES, ACTIONS
from wangge.cases.models import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    SUMMONS_STATUSES,
)
from wangge.cases.services.common import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    TOKEN_CHARS,
    clean_text,
    followup_window,
    is_token_shaped,
)
from wangge.cases.services.evaluation import case_evaluate, cases_close_after_followup
from wangge.cases.services.intake import case_report
from wangge.cases.services.numbering import case_number_next, case_numbers_sync
from wangge.cases.services.photos import case_attachment_add
from wangge.cases.services.routing import (
    DEFAULT_SLA,
    case_is_routable,
    case_route,
    grid_has_worker_on_duty,
    sla_for,
)
from wangge.cases.services.summons import (
    SUMMONS_URGENT_MINUTES,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.cases.services.workflow import (
    ACTION_HANDLERS,
    ACTION_PREDICATES_WITH_STATUS,
    TRANSITIONS,
    Transition,
    action_params,
    case_transition,
)

__all__ = [
    "ACTION_ALIASES",
    "ACTION_HANDLERS",
    "ACTION_PREDICATES_WITH_STATUS",
    "ACTIONS",
    "ACTIVE_STATUSES",
    "CLOSED_STATUSES",
    "DEFAULT_SLA",
    "MAX_DESCRIPTION",
    "MAX_NOTE",
    "OPEN_STATUSES",
    "RESOLVED_STATUSES",
    "SUMMONS_STATUSES",
    "SUMMONS_URGENT_MINUTES",
    "TOKEN_CHARS",
    "TRANSITIONS",
    "Transition",
    "action_params",
    "case_attachment_add",
    "case_evaluate",
    "case_is_routable",
    "case_number_next",
    "case_numbers_sync",
    "case_report",
    "case_route",
    "case_transition",
    "cases_close_after_followup",
    "clean_text",
    "followup_window",
    "grid_has_worker_on_duty",
    "is_token_shaped",
    "sla_for",
    "summons_check_in",
    "summons_issue",
    "summons_rate",
]
