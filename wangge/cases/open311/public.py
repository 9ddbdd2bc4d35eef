"""What anyone outside the office may know about a case: Open311 clients and the
resident's tracking page read the same public facts (status in words, the handling unit's
name, the answer), never a staff member's name and never the reporter's contact.

These are read-only helpers over the cases domain; the workflow lives in
``wangge.cases.services``.
"""

import re
import unicodedata

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from wangge.areas.models import Estate
from wangge.areas.reference import area_at_depth
from wangge.cases.models import OPEN_STATUSES, Attachment, Case, Category, Status
from wangge.core.masking import mask_id_number, mask_phone

# Public coordinates are rounded to this many decimals (about 110 m north–south).
COORD_DECIMALS = 3
# A mobile, with or without the country code (86, +86, 0086).
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)")
# A landline with its area code: 0472-5123456, (0472)5123456, 0472 5123456, 04725123456.
_LANDLINE = re.compile(r"(?<!\d)(\(0\d{2,3}\)|0\d{2,3})[\s-]?(\d{7,8})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Building, unit, floor and flat numbers: 5号楼 2单元 301室, 5栋, 12层, and 5-2-301.
_FLAT_PART = re.compile(r"\d+(?=\s*(?:号楼|栋|幢|座|单元|门|层|楼|室|户))")
_FLAT_TRIPLE = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])")

# Open311 knows two statuses. A case stays "open" until the loop is closed: resolved and
# verified cases still wait for the reporter's verdict and may be reopened.
CLOSED_STATUSES = frozenset(set(Status.values) - set(OPEN_STATUSES))

STATUS_NOTES = {
    Status.REPORTED: gettext_noop("已收到上报，等待受理"),
    Status.ACCEPTED: gettext_noop("已立案，等待派遣"),
    Status.DISPATCHED: gettext_noop("已派遣至承办单位"),
    Status.IN_PROGRESS: gettext_noop("承办单位已签收，正在处置"),
    Status.RETURNED: gettext_noop("承办单位退回，正在重新派遣"),
    Status.SUSPENDED: gettext_noop("长期问题，已挂账跟踪"),
    Status.RESOLVED: gettext_noop("已办结，等待核查和回访"),
    Status.VERIFIED: gettext_noop("已办结并核查，等待回访"),
    Status.CLOSED: gettext_noop("已结案"),
    Status.REJECTED: gettext_noop("已作废"),
}

# Marked for translation; the pages translate them (gettext), Open311 answers stay as they are.
# Timeline wording for the public: what happened, not who did it.
PUBLIC_EVENT_LABELS = {
    "report": gettext_noop("提交上报"),
    "accept": gettext_noop("受理立案"),
    "reject": gettext_noop("作废"),
    "dispatch": gettext_noop("派遣至承办单位"),
    "sign": gettext_noop("承办单位签收"),
    "resolve": gettext_noop("办结"),
    "return": gettext_noop("退回重新派遣"),
    "extend_approve": gettext_noop("批准延期"),
    "suspend": gettext_noop("挂账"),
    "resume": gettext_noop("恢复办理"),
    "verify": gettext_noop("现场核查"),
    "close": gettext_noop("结案"),
    "escalate": gettext_noop("上报上级处理"),
    "supervise": gettext_noop("上级督办"),
    "reopen": gettext_noop("重新办理"),
    "evaluate": gettext_noop("群众评价"),
    "summon": gettext_noop("街道吹哨，部门报到"),
    "check_in": gettext_noop("部门报到"),
    "follow": gettext_noop("又有群众反映同一问题"),
}


def public_categories() -> list[Category]:
    """Open311 services: enabled, active categories without an enabled, active child, in
    tree order. A class with sub-classes is offered through its sub-classes."""
    categories = list(Category.objects.filter(open311_enabled=True, active=True).order_by("path"))
    paths = [category.path for category in categories]
    leaves = []
    for index, category in enumerate(categories):
        following = paths[index + 1] if index + 1 < len(paths) else ""
        if not following.startswith(category.path):
            leaves.append(category)
    return leaves


def public_category_get(code: str) -> Category | None:
    return Category.objects.filter(code=code, open311_enabled=True, active=True).first()


PUBLIC_CASE = Q(category__open311_enabled=True, category__public=True, private=False)


def case_is_public(case: Case) -> bool:
    """Anyone may read it: its category is public and it was not raised on a visit."""
    return not case.private and case.category.public and case.category.open311_enabled


def public_case_queryset() -> QuerySet[Case]:
    """Cases anyone may read: a public category open to Open311, not a visit's need."""
    return Case.objects.filter(PUBLIC_CASE).select_related(
        "category", "handler_department", "handler_area", "dispatcher_area", "grid"
    )


# Characters whose NFKC form is one of these are folded before matching (full-width
# digits, ＋, （）, －, Ｘ, the ideographic space); Chinese punctuation stays as written.
_FOLDED = frozenset("0123456789+()-Xx ")


def _fold(text: str) -> str:
    folded = []
    for char in text:
        if not char.isascii():
            normal = unicodedata.normalize("NFKC", char)
            if normal and all(c in _FOLDED for c in normal):
                char = normal
        folded.append(char)
    return "".join(folded)


def _stars(match: re.Match) -> str:
    return re.sub(r"\d", "*", match.group(0))


def public_text(text: str) -> str:
    """User or staff text as the token holder sees it: full-width digits and signs folded
    (NFKC), then ID numbers, mobiles (also with 86/+86/0086), landlines and building,
    unit, floor and flat numbers masked. The anonymous Open311 feed shows no free text
    at all (``status_note`` and the category's name stand in)."""
    text = _fold(text or "")
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    text = _PHONE.sub(lambda m: mask_phone(re.sub(r"[\s-]", "", m.group(1))), text)
    text = _LANDLINE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(0))), text)
    text = _FLAT_TRIPLE.sub(_stars, text)
    return _FLAT_PART.sub(_stars, text)


def estate_names(grid_ids) -> dict[int, list[str]]:
    """Estate names per grid (one query), for ``public_location`` over many cases."""
    names: dict[int, list[str]] = {}
    rows = Estate.objects.filter(grid_id__in=set(grid_ids)).values_list("grid_id", "name")
    for grid_id, name in rows:
        names.setdefault(grid_id, []).append(name)
    return names


def public_location(
    case: Case, estates: dict[int, list[str]] | None = None
) -> tuple[str, float | None, float | None]:
    """Where the public is told the case is: the street and community, plus the estate
    when the reported address names one of the grid's estates — never the building, unit
    or flat the reporter typed; the point rounded to about 100 m."""
    parts = []
    for depth in (3, 4):
        area = area_at_depth(case.area_path, depth)
        if area is not None:
            parts.append(area.name)
    if case.grid_id and case.address:
        if estates is None:
            estates = estate_names([case.grid_id])
        names = estates.get(case.grid_id, [])
        found = [name for name in names if name and name in case.address]
        if found:
            parts.append(max(found, key=len))
    lat = round(case.lat, COORD_DECIMALS) if case.lat is not None else None
    lng = round(case.lng, COORD_DECIMALS) if case.lng is not None else None
    return " ".join(parts), lat, lng


def open311_status(case: Case) -> str:
    return "closed" if case.status in CLOSED_STATUSES else "open"


def agency_name(case: Case) -> str | None:
    """The unit handling the case, or the unit that will dispatch it."""
    unit = case.handler_department or case.handler_area or case.dispatcher_area
    return unit.name if unit is not None else None


def status_note(case: Case) -> str:
    """A fixed phrase per status: the feed is anonymous, so no staff text (result,
    rejection reason) goes out with it."""
    return STATUS_NOTES.get(case.status, str(Status(case.status).label))


def first_report_photos(case_ids) -> dict[int, Attachment]:
    photos: dict[int, Attachment] = {}
    for attachment in Attachment.objects.filter(case_id__in=list(case_ids), kind="report").order_by(
        "id"
    ):
        photos.setdefault(attachment.case_id, attachment)
    return photos


def status_filter(statuses: set[str]) -> Q:
    """Open311 ``status`` values → a condition on our statuses."""
    condition = Q(pk__in=[])
    if "open" in statuses:
        condition |= Q(status__in=list(OPEN_STATUSES))
    if "closed" in statuses:
        condition |= Q(status__in=list(CLOSED_STATUSES))
    return condition
