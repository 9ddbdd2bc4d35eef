"""The resident's pages: report a problem and follow it (public, phone first)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.audit.models import AuditEvent
from wangge.audit.services import client_ip
from wangge.cases.forms import EvaluationForm, ReportForm, TrackForm
from wangge.cases.models import RESOLVED_STATUSES, Case, Source
from wangge.cases.open311.public import (
    PUBLIC_EVENT_LABELS,
    STATUS_NOTES,
    agency_name,
    case_is_public,
    public_location,
    public_text,
)
from wangge.cases.places import handling_unit
from wangge.cases.selectors import case_get_by_token, case_public_timeline
from wangge.cases.services import case_evaluate, case_report, followup_window
from wangge.cases.views.common import form_error, serve_attachment
from wangge.core import clock
from wangge.core.basemap import basemap_url
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

DEFAULT_CENTER = (40.6574, 109.8403)  # Baotou


# --------------------------------------------------------------------------- public: report


def _report_limit_reached(request) -> bool:
    """Public reports without an account, per real client IP and hour, counted from the
    audit rows the service writes. Signed-in users, the staff API and Open311 clients (with
    an API key) are not limited here and do not count: an office behind the same address
    must not use up its residents' allowance."""
    if request.user.is_authenticated:
        return False
    limit = settings.WANGGE_CASE_REPORTS_PER_HOUR
    ip = client_ip(request)
    if not ip:
        return False
    since = clock.now() - timedelta(hours=1)
    public_reports = AuditEvent.objects.filter(
        action="case_report",
        ip=ip,
        at__gte=since,
        actor__isnull=True,
        detail__source=Source.RESIDENT,
    )
    return public_reports.count() >= limit


def map_center() -> tuple[float, float]:
    box = Area.objects.filter(kind=AreaKind.GRID, min_lat__isnull=False).aggregate(
        Min("min_lat"), Max("max_lat"), Min("min_lng"), Max("max_lng")
    )
    if box["min_lat__min"] is None:
        return DEFAULT_CENTER
    return (
        round((box["min_lat__min"] + box["max_lat__max"]) / 2, 6),
        round((box["min_lng__min"] + box["max_lng__max"]) / 2, 6),
    )


def _source_of(user) -> str:
    if has_any_role(user, {Role.GRID_WORKER}):
        return Source.GRID_WORKER
    return Source.RESIDENT


@require_http_methods(["GET", "POST"])
def report(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _report_limit_reached(request):
            form.is_valid()
            form.add_error(None, gettext("提交过于频繁，请稍后再试"))
        elif form.is_valid():
            data = form.cleaned_data
            actor = request.user if request.user.is_authenticated else None
            try:
                case = case_report(
                    actor=actor,
                    category=data["category"],
                    description=data["description"],
                    source=_source_of(actor) if actor else Source.RESIDENT,
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    coord_system=data.get("coord_system") or "wgs84",
                    address=data.get("address", ""),
                    grid=data.get("grid"),
                    anonymous=data.get("anonymous", False),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    photos=[data["photo"]] if data.get("photo") else [],
                    request=request,
                )
            except ApplicationError as exc:
                form_error(
                    form,
                    exc,
                    {
                        "photos": "photo",
                        "grid": "community",
                        "location": "community",
                        "lat": "community",
                        "phone": "reporter_phone",
                    },
                )
            else:
                messages.success(request, gettext("上报成功！案件编号 {number}").format(number=case.number))
                return redirect(f"{reverse('cases:track_case', args=[case.token])}?new=1")
    lat, lng = map_center()
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "map_lat": lat,
            "map_lng": lng,
            "tile_url": settings.WANGGE_MAP_TILE_URL,
            "basemap_url": basemap_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def report_locate(request):
    """The grid a tapped point lies in (htmx fragment for the report page)."""
    try:
        lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
        grid = area_locate_point(
            lat=lat,
            lng=lng,
            system=settings.WANGGE_MAP_COORD_SYSTEM,
        )
    except (ValueError, ApplicationError):
        grid = None
    return render(request, "cases/_located.html", {"grid": grid})


# --------------------------------------------------------------------------- public: tracking


@require_GET
def track(request):
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
        try:
            case = case_get_by_token(token=form.cleaned_data["token"].strip())
        except NotFoundOrForbidden:
            case = None
        if case is not None and case.number == form.cleaned_data["number"].strip():
            return redirect("cases:track_case", token=case.token)
        form.add_error(None, gettext("案件编号或查询码不正确"))
    return render(
        request,
        "cases/track_form.html",
        {"form": form},
        status=404 if form.errors and request.GET else 200,
    )


def _can_evaluate(case: Case) -> bool:
    return (
        case.status in RESOLVED_STATUSES
        and case.resolved_at is not None
        and clock.now() <= case.resolved_at + followup_window()
        and not case.evaluations.filter(at__gte=case.resolved_at).exists()
    )


def public_case_context(
    request, case: Case, evaluation_form=None, *, follower=None
) -> dict:
    """The tracking page shows public facts only: for a public case the coarse location
    and masked text; for a case of a non-public category (a resident's own welfare
    matter) progress alone — not the matter, the place, the answer or the photos."""
    timeline = [
        {**row, "label": gettext(PUBLIC_EVENT_LABELS.get(row["action"], "办理进展"))}
        for row in case_public_timeline(case=case)
    ]
    last_evaluation = case.evaluations.order_by("-at", "-id").first()
    shown = case_is_public(case)
    address = public_location(case)[0] if shown else ""
    note = gettext(STATUS_NOTES[case.status]) if case.status in STATUS_NOTES else ""
    # A follower reads the progress with their own token: never the case's, which rates.
    followed = follower is not None
    return {
        "case": case,
        "shown": shown,
        "public_address": address,
        "public_description": public_text(case.description) if shown else "",
        "public_result": public_text(case.result) if shown else "",
        # The badge says the status; the note only when it says more than the badge.
        "status_note": "" if note == case.get_status_display() else note,
        "handling_unit": agency_name(case) or handling_unit(case.area_path)["community"],
        "handling_label": gettext("承办单位")
        if case.handler_department_id or case.handler_area_id
        else gettext("受理单位"),
        "timeline": timeline,
        "can_evaluate": _can_evaluate(case) and not followed,
        "evaluation_form": evaluation_form or EvaluationForm(),
        "last_evaluation": None if followed else last_evaluation,
        "photos": list(case.attachments.order_by("id").only("pk", "kind")) if shown else [],
        "track_url": request.build_absolute_uri(reverse("cases:track_case", args=[case.token]))
        if not followed
        else "",
        "is_new": request.GET.get("new") == "1" and not followed,
        "followed": followed,
        "follow_token": follower.token if followed else "",
    }


@require_GET
def track_case(request, token: str):
    try:
        case = case_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None
    return render(request, "cases/track.html", public_case_context(request, case))


@require_POST
def track_evaluate(request, token: str):
    try:
        case = case_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            case_evaluate(
                token=token,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("感谢您的评价！"))
        return redirect("cases:track_case", token=token)
    return render(
        request, "cases/track.html", public_case_context(request, case, form), status=400
    )


@require_GET
def track_photo(request, token: str, attachment_id: int):
    try:
        case = case_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None
    if not case_is_public(case):
        raise Http404
    return serve_attachment(case.attachments.filter(pk=attachment_id).first())
