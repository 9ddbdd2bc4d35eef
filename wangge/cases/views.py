"""Case pages: the resident's report and tracking pages (public, phone first) and the staff
work lists and case page (htmx). Views parse, check, call one service and render."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Min
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.accounts.models import Role
from wangge.accounts.permissions import has_any_role
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.audit.models import AuditEvent
from wangge.audit.services import client_ip
from wangge.cases import permissions as perms
from wangge.cases.forms import (
    ACTION_LABELS,
    ActionForm,
    CheckInForm,
    EvaluationForm,
    ReportForm,
    SummonsForm,
    SummonsRateForm,
    TrackForm,
    WorkListFilterForm,
)
from wangge.cases.kpi_slices import kpi_slice_apply
from wangge.cases.models import Attachment, Case, Satisfaction, Source, Status
from wangge.cases.open311.public import (
    PUBLIC_EVENT_LABELS,
    STATUS_NOTES,
    case_is_public,
    public_location,
    public_text,
)
from wangge.cases.selectors import (
    BOX_LABELS,
    BOXES,
    case_allowed_actions,
    case_box_counts,
    case_get_by_token,
    case_get_for_user,
    case_list_visible_to,
    case_public_timeline,
    case_reporter_contact,
    case_shows_staff_names_to,
    case_timeline,
    summons_for_case,
)
from wangge.cases.services import (
    RESOLVED_STATUSES,
    action_params,
    case_evaluate,
    case_report,
    case_transition,
    followup_window,
    summons_check_in,
    summons_issue,
    summons_rate,
)
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.web.views import guarded, paginate

CONFLICT_MESSAGE = "该案件已被他人处理，请刷新后重试"
DEFAULT_CENTER = (40.6574, 109.8403)  # Baotou
# Roles that work with cases at all (the work list and the case page).
CASE_DESK_ROLES = perms.CASE_AREA_READ_ROLES | {Role.DEPARTMENT_HANDLER}
# Work-list tabs in the order people work them; "all" is everything visible.
TABS = (
    "to_accept",
    "to_dispatch",
    "my_unit_open",
    "to_verify",
    "overdue",
    "due_soon",
    "summons_pending",
)


def can_work_cases(user) -> bool:
    return has_any_role(user, CASE_DESK_ROLES)


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


def _map_center() -> tuple[float, float]:
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
            form.add_error(None, "提交过于频繁，请稍后再试")
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
                _form_error(
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
                messages.success(request, f"上报成功！案件编号 {case.number}")
                return redirect(f"{reverse('cases:track_case', args=[case.token])}?new=1")
    lat, lng = _map_center()
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "map_lat": lat,
            "map_lng": lng,
            "tile_url": settings.WANGGE_MAP_TILE_URL,
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


def _form_error(form, exc: ApplicationError, field_map: dict[str, str]) -> None:
    field = field_map.get(exc.field or "", exc.field)
    if field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


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
        form.add_error(None, "案件编号或查询码不正确")
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


def _public_case_context(request, case: Case, evaluation_form=None) -> dict:
    """The tracking page shows public facts only: for a public case the coarse location
    and masked text; for a case of a non-public category (a resident's own welfare
    matter) progress alone — not the matter, the place, the answer or the photos."""
    timeline = [
        {**row, "label": PUBLIC_EVENT_LABELS.get(row["action"], "办理进展")}
        for row in case_public_timeline(case=case)
    ]
    last_evaluation = case.evaluations.order_by("-at", "-id").first()
    shown = case_is_public(case)
    address = public_location(case)[0] if shown else ""
    return {
        "case": case,
        "shown": shown,
        "public_address": address,
        "public_description": public_text(case.description) if shown else "",
        "public_result": public_text(case.result) if shown else "",
        "status_note": STATUS_NOTES.get(case.status, ""),
        "timeline": timeline,
        "can_evaluate": _can_evaluate(case),
        "evaluation_form": evaluation_form or EvaluationForm(),
        "last_evaluation": last_evaluation,
        "photos": list(case.attachments.order_by("id").only("pk", "kind")) if shown else [],
        "track_url": request.build_absolute_uri(reverse("cases:track_case", args=[case.token])),
        "is_new": request.GET.get("new") == "1",
    }


@require_GET
def track_case(request, token: str):
    try:
        case = case_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None
    return render(request, "cases/track.html", _public_case_context(request, case))


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
            messages.success(request, "感谢您的评价！")
        return redirect("cases:track_case", token=token)
    return render(
        request, "cases/track.html", _public_case_context(request, case, form), status=400
    )


def _serve(attachment: Attachment | None):
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def track_photo(request, token: str, attachment_id: int):
    try:
        case = case_get_by_token(token=token)
    except NotFoundOrForbidden:
        raise Http404 from None
    if not case_is_public(case):
        raise Http404
    return _serve(case.attachments.filter(pk=attachment_id).first())


# --------------------------------------------------------------------------- staff: work list


@guarded(can_work_cases)
def work_list(request):
    counts = case_box_counts(user=request.user)
    tab = request.GET.get("tab", "")
    if tab not in TABS and tab != "all":
        tab = next((box for box in TABS if counts.get(box)), "all")
    form = WorkListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list_visible_to(
        user=request.user,
        box=None if tab == "all" else tab,
        status=filters.get("status", ""),
        category=filters.get("category"),
        priority=filters.get("priority", ""),
        q=filters.get("q", ""),
    )
    cases, slice_label = kpi_slice_apply(cases, filters)
    page, query = paginate(request, cases)
    tabs = [{"key": box, "label": BOX_LABELS[box], "count": counts.get(box, 0)} for box in TABS]
    tabs.append({"key": "all", "label": "全部", "count": None})
    template = (
        "cases/_work_rows.html" if request.headers.get("HX-Request") else "cases/work_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query,
            "tab": tab,
            "tabs": tabs,
            "slice_label": slice_label,
        },
    )


# --------------------------------------------------------------------------- staff: case page


def _action_forms(user, case: Case, *, bound: ActionForm | None = None) -> list[ActionForm]:
    forms = []
    for action in case_allowed_actions(user=user, case=case):
        if bound is not None and bound.action == action:
            forms.append(bound)
            continue
        forms.append(
            ActionForm(
                initial={"version": case.version},
                action=action,
                params=action_params(action),
                user=user,
                case=case,
            )
        )
    return forms


EVENT_LABELS = {
    **ACTION_LABELS,
    "report": "上报",
    "evaluate": "群众评价",
    "summon": "吹哨",
    "check_in": "报到",
    "summons_rate": "评价报到",
    "case_attachment": "补充照片",
}
RATING_LABELS = dict(Satisfaction.choices)


def _event_rows(case: Case, reporter: dict, *, staff_names: bool = True) -> list[dict]:
    """Timeline rows for staff. The reporter appears as the contact the viewer may see
    ("匿名" for anonymous reports), never by account name; without ``staff_names`` (the
    viewer sees the case only as its reporter) office staff appear as "工作人员"."""
    rows = []
    for event in case_timeline(case=case):
        data = event.data or {}
        details = []
        if data.get("handler_name"):
            details.append(f"→ {data['handler_name']}")
        if data.get("to_area_name"):
            details.append(f"→ {data['to_area_name']}")
        if data.get("department_names"):
            details.append("、".join(data["department_names"]))
        elif data.get("department_name"):
            details.append(data["department_name"])
        rating = data.get("rating")
        if isinstance(rating, str):
            details.append(RATING_LABELS.get(rating, rating))
        elif isinstance(rating, int):
            details.append(f"{rating} 星")
        if data.get("passed") is False:
            details.append("不通过，返工")
        if data.get("days"):
            details.append(f"{data['days']} 个工作日")
        if event.actor_id and event.actor_id == case.reporter_id:
            who = reporter["name"] or "上报人"
        elif event.actor_id and not staff_names:
            who = "工作人员"
        elif event.actor_id:
            who = event.actor.display_name or event.actor.username
        else:
            who = "群众" if event.action in ("report", "evaluate") else "系统"
        rows.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "detail": " · ".join(details),
                "who": who,
            }
        )
    return rows


def _panel_context(
    request, case: Case, *, bound=None, error: str = "", notice: str = "", summons_form=None
) -> dict:
    user = request.user
    reporter = case_reporter_contact(user=user, case=case)
    responses = list(summons_for_case(case=case))
    departments = perms.user_department_ids(user)
    for response in responses:
        response.can_check_in = response.department_id in departments and (
            response.checked_in_at is None
        )
        response.can_rate = (
            response.checked_in_at is not None
            and response.rating is None
            and perms.can_rate_summons(user, response.summons)
        )
    can_summon = perms.can_summon(user, case) and case.status in (
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.SUSPENDED,
    )
    return {
        "case": case,
        "events": _event_rows(case, reporter, staff_names=case_shows_staff_names_to(user, case)),
        "action_forms": _action_forms(user, case, bound=bound),
        "reporter": reporter,
        "photos": list(case.attachments.order_by("id")),
        "responses": responses,
        "summons_form": summons_form or (SummonsForm(case=case) if can_summon else None),
        "check_in_form": CheckInForm(),
        "rate_form": SummonsRateForm(),
        "error": error,
        "notice": notice,
    }


@guarded(can_work_cases)
def case_detail(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    return render(request, "cases/case_detail.html", _panel_context(request, case))


def _respond_panel(request, case_id: int, *, status: int = 200, **kwargs):
    """htmx swaps the panel in place; a plain form post goes back to the case page."""
    case = case_get_for_user(user=request.user, case_id=case_id)
    context = _panel_context(request, case, **kwargs)
    if request.headers.get("HX-Request"):
        # htmx only swaps 2xx answers: the message carries the refusal instead.
        return render(request, "cases/_case_panel.html", context)
    if status == 200:
        if kwargs.get("notice"):
            messages.success(request, kwargs["notice"])
        return redirect("cases:detail", case_id=case_id)
    return render(request, "cases/case_detail.html", context, status=status)


def _refusal(exc: ApplicationError) -> tuple[int, str]:
    if isinstance(exc, PermissionRefused):
        return 403, exc.message
    if exc.code == "conflict":
        return 409, f"{CONFLICT_MESSAGE}。{exc.message}"
    return 400, exc.message


@require_POST
@guarded(can_work_cases)
def case_act(request, case_id: int, action: str):
    case = case_get_for_user(user=request.user, case_id=case_id)
    if action not in ACTION_LABELS:
        raise Http404
    form = ActionForm(
        request.POST,
        request.FILES,
        action=action,
        params=action_params(action),
        user=request.user,
        case=case,
    )
    if not form.is_valid():
        return _respond_panel(request, case_id, status=400, bound=form, error="请检查填写的内容")
    try:
        case_transition(
            actor=request.user,
            case_id=case.pk,
            action=action,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.service_params(),
        )
    except ApplicationError as exc:
        status, message = _refusal(exc)
        if status == 400 and exc.field:
            _form_error(
                form,
                exc,
                {"handler_department": "target", "handler_area": "target", "photos": "photo"},
            )
            return _respond_panel(request, case_id, status=400, bound=form, error=message)
        return _respond_panel(request, case_id, status=status, error=message)
    return _respond_panel(request, case_id, notice=f"已{ACTION_LABELS[action]}")


@require_POST
@guarded(can_work_cases)
def case_summon(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    form = SummonsForm(request.POST, case=case)
    if not form.is_valid():
        return _respond_panel(
            request, case_id, status=400, summons_form=form, error="请选择要吹哨的部门"
        )
    try:
        summons_issue(
            actor=request.user,
            case_id=case.pk,
            departments=[int(pk) for pk in form.cleaned_data["departments"]],
            urgent=form.cleaned_data["urgent"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ApplicationError as exc:
        status, message = _refusal(exc)
        return _respond_panel(request, case_id, status=status, error=message)
    return _respond_panel(request, case_id, notice="已吹哨，等待部门报到")


@require_POST
@guarded(can_work_cases)
def summons_check_in_view(request, case_id: int, response_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    form = CheckInForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        summons_check_in(actor=request.user, response_id=response_id, note=note, request=request)
    except NotFoundOrForbidden:
        raise
    except ApplicationError as exc:
        status, message = _refusal(exc)
        return _respond_panel(request, case.pk, status=status, error=message)
    return _respond_panel(request, case.pk, notice="已报到")


@require_POST
@guarded(can_work_cases)
def summons_rate_view(request, case_id: int, response_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    form = SummonsRateForm(request.POST)
    if not form.is_valid():
        return _respond_panel(request, case.pk, status=400, error="请选择 1–5 星评分")
    try:
        summons_rate(
            actor=request.user,
            response_id=response_id,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except NotFoundOrForbidden:
        raise
    except ApplicationError as exc:
        status, message = _refusal(exc)
        return _respond_panel(request, case.pk, status=status, error=message)
    return _respond_panel(request, case.pk, notice="已评价")


@require_GET
@guarded(can_work_cases)
def case_photo(request, case_id: int, attachment_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    return _serve(case.attachments.filter(pk=attachment_id).first())


__all__ = ["BOXES", "can_work_cases"]
