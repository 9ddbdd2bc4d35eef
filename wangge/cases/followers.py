"""这也是我的问题: before sending a report the resident sees open public reports of the
same category nearby and may follow one instead of reporting it again.

Selectors read public facts only (category, status in words, street/community/estate,
age); ``case_follow`` adds a follower once per phone or per device and writes an event
row and an audit row. The follower's phone is encrypted like the reporter's and never
shown; ``case_follower_phones`` is how the notification side reads it.
"""

import math
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext

from wangge.audit.services import audit_record
from wangge.cases.models import Case, CaseEvent, CaseFollower, Category, Status
from wangge.cases.open311.public import (
    STATUS_NOTES,
    agency_name,
    case_is_public,
    public_case_queryset,
    public_location,
)
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.identity import normalize_phone

NEARBY_METRES = 300
NEARBY_LIMIT = 5
# Only reports this recent are offered: an old open case is somebody else's backlog.
NEARBY_DAYS = 60
MAX_DEVICE = 40
PHONE_PURPOSE = "case_follower_phone"
# Statuses a resident may still join: not yet resolved.
FOLLOWABLE = frozenset(
    {
        Status.REPORTED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.SUSPENDED,
    }
)
MY_REPORTS_MAX = 30
_METRES_PER_DEGREE = 111_320


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Equirectangular distance: exact enough within a few kilometres."""
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return math.hypot(x, y) * 6_371_000


def age_words(at) -> str:
    """"今天", "3 天前", "2 个月前": how long ago, in the words the page uses."""
    days = max(0, (clock.now() - at).days)
    if days == 0:
        return gettext("今天")
    if days < 31:
        return gettext("{n} 天前").format(n=days)
    return gettext("{n} 个月前").format(n=days // 30)


def nearby_open_cases(
    *, category: Category | int, lat: float, lng: float, radius_m: int = NEARBY_METRES
) -> list[dict]:
    """Open public cases of the category within ``radius_m`` of the point, nearest first.
    Each row: number, category, status, place (street, community, estate), rough point
    (about 100 m), age, follower count — nothing the reporter typed."""
    category_id = category.pk if isinstance(category, Category) else int(category)
    dlat = radius_m / _METRES_PER_DEGREE
    dlng = dlat / max(0.1, math.cos(math.radians(lat)))
    since = clock.now() - timedelta(days=NEARBY_DAYS)
    cases = (
        public_case_queryset()
        .filter(
            category_id=category_id,
            status__in=list(FOLLOWABLE),
            created_at__gte=since,
            lat__range=(lat - dlat, lat + dlat),
            lng__range=(lng - dlng, lng + dlng),
        )
        .annotate(follower_total=Count("followers"))
        .order_by("-created_at")[:50]
    )
    rows = []
    for case in cases:
        distance = _distance_m(lat, lng, case.lat, case.lng)
        if distance > radius_m:
            continue
        place, rough_lat, rough_lng = public_location(case)
        rows.append(
            {
                "number": case.number,
                "category": case.category.name,
                "status": case.get_status_display(),
                "place": place,
                "lat": rough_lat,
                "lng": rough_lng,
                "age": age_words(case.created_at),
                "followers": case.follower_total,
                "distance": int(round(distance, -1)),
            }
        )
    rows.sort(key=lambda row: row["distance"])
    return rows[:NEARBY_LIMIT]


def _clean_device(device: str) -> str:
    device = (device or "").strip()
    if len(device) > MAX_DEVICE or not all(c.isalnum() or c in "-_" for c in device):
        raise ApplicationError(gettext("设备标识无效"), field="device")
    return device


def case_follow(*, number: str, phone: str = "", device: str = "", request=None):
    """Add a follower to the open public case ``number``; the same phone or device
    following again gets its first row back. Returns ``(follower, created)``."""
    phone = normalize_phone(phone) if phone else ""
    device = _clean_device(device)
    if not phone and not device:
        raise ApplicationError(gettext("请填写手机号，或在手机浏览器中操作"), field="phone")
    case = public_case_queryset().filter(number=(number or "").strip()[:20]).first()
    if case is None:
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    if case.status not in FOLLOWABLE:
        raise ApplicationError(gettext("该问题已办结，无需再关注；如仍存在请重新上报"), code="closed")
    phone_index = crypto.blind_index(phone, purpose=PHONE_PURPOSE) if phone else ""
    existing = _existing(case, phone_index, device)
    if existing is not None:
        return existing, False
    now = clock.now()
    try:
        with transaction.atomic():
            follower = CaseFollower.objects.create(
                case=case,
                token=secrets.token_urlsafe(18),
                phone_enc=crypto.encrypt(phone),
                phone_index=phone_index,
                device=device,
                created_at=now,
            )
            count = case.followers.count()
            CaseEvent.objects.create(
                case=case,
                at=now,
                actor=None,
                action="follow",
                from_status=case.status,
                to_status=case.status,
                data={"followers": count},
            )
            audit_record(
                action="case_follow",
                request=request,
                obj=case,
                detail={"number": case.number, "followers": count, "with_phone": bool(phone)},
            )
    except IntegrityError:
        # The same phone or device pressed twice at once: the other request won.
        existing = _existing(case, phone_index, device)
        if existing is None:
            raise
        return existing, False
    return follower, True


def _existing(case: Case, phone_index: str, device: str) -> CaseFollower | None:
    if phone_index:
        found = case.followers.filter(phone_index=phone_index).first()
        if found is not None:
            return found
    if device:
        return case.followers.filter(device=device).first()
    return None


def follower_count(*, case: Case) -> int:
    return case.followers.count()


def case_follower_phones(*, case: Case) -> list[str]:
    """The followers' phones in clear, for texts about the case (notifications)."""
    return [
        crypto.decrypt(enc)
        for enc in case.followers.exclude(phone_enc="").values_list("phone_enc", flat=True)
    ]


def _status_row(case: Case, *, followed: bool) -> dict:
    shown = case_is_public(case)
    return {
        "number": case.number,
        "category": case.category.name if shown else gettext("个人事项"),
        "status": case.get_status_display(),
        "note": gettext(STATUS_NOTES[case.status]) if case.status in STATUS_NOTES else "",
        "handler": agency_name(case) or "",
        "reported_at": case.created_at.strftime("%Y-%m-%d %H:%M"),
        "followed": followed,
        "resolved": case.status not in FOLLOWABLE,
    }


def my_reports_status(*, tokens: list[str]) -> dict[str, dict]:
    """我的上报: the progress of the reports and follows this phone remembers, by the
    token it holds (a case's tracking token or a follower's token). Unknown tokens and
    visit cases are left out; at most ``MY_REPORTS_MAX`` tokens are read."""
    tokens = [t for t in dict.fromkeys(tokens) if t and len(t) <= 40][:MY_REPORTS_MAX]
    out: dict[str, dict] = {}
    related = ("category", "handler_department", "handler_area", "dispatcher_area")
    for case in Case.objects.filter(token__in=tokens, private=False).select_related(*related):
        out[case.token] = _status_row(case, followed=False)
    rows = CaseFollower.objects.filter(token__in=tokens).select_related(
        *(f"case__{name}" for name in related)
    )
    for follower in rows:
        if case_is_public(follower.case):
            out[follower.token] = _status_row(follower.case, followed=True)
    return out


def follower_get_by_token(*, token: str) -> CaseFollower:
    follower = (
        CaseFollower.objects.filter(token=(token or "")[:40])
        .select_related("case__category", "case__handler_department", "case__handler_area")
        .first()
    )
    if follower is None or not case_is_public(follower.case):
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    return follower
