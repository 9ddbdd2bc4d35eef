"""Case pages: the resident's report and tracking pages (``public``) and the staff work
lists and case page (``staff``)."""

from wangge.cases.selectors import BOXES
from wangge.cases.views.common import CASE_DESK_ROLES, can_work_cases
from wangge.cases.views.public import (
    report,
    report_locate,
    track,
    track_case,
    track_evaluate,
    track_photo,
)
from wangge.cases.views.staff import (
    case_act,
    case_detail,
    case_photo,
    case_summon,
    summons_check_in_view,
    summons_rate_view,
    work_list,
)

__all__ = [
    "BOXES",
    "CASE_DESK_ROLES",
    "can_work_cases",
    "case_act",
    "case_detail",
    "case_photo",
    "case_summon",
    "report",
    "report_locate",
    "summons_check_in_view",
    "summons_rate_view",
    "track",
    "track_case",
    "track_evaluate",
    "track_photo",
    "work_list",
]
