"""The staff's pages: work lists and the case page (htmx). Views parse, check, call one
service and render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.permissions import has_any_role
from wangge.cases import permissions as perms
from wangge.cases.actions import ACTION_BY_NAME
from wangge.cases.followers import follower_count
from wangge.cases.forms import (
    ACTION_LABELS,
    ActionForm,
    CheckInForm,
    SummonsForm,
    SummonsRateForm,
    WorkListFilterForm,
)
from wangge.cases.kpi_slices import kpi_slice_apply
from wangge.cases.models import SUMMONS_STATUSES, Case, Satisfaction
from wangge.cases.selectors import (
    BOX_LABELS,
    case_allowed_actions,
    case_box_counts,
    case_get_for_user,
    case_list_visible_to,
    case_reporter_contact,
    case_shows_staff_names_to,
    case_timeline,
    summons_for_case,
)
from wangge.cases.services import case_transition, summons_check_in, summons_issue, summons_rate
from wangge.cases.views.common import can_work_cases, form_error, serve_attachment
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.paging import paginate

CONFLICT_MESSAGE = gettext_lazy("该案件已被他人处理，请刷新后重试")
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
    tabs.append({"key": "all", "label": gettext("全部"), "count": None})
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
            "can_intake": has_any_role(request.user, perms.CASE_AREA_READ_ROLES),
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
            ActionForm(initial={"version": case.version}, action=action, user=user, case=case)
        )
    return forms


EVENT_LABELS = {
    **ACTION_LABELS,
    "report": gettext_lazy("上报"),
    "evaluate": gettext_lazy("群众评价"),
    "follow": gettext_lazy("群众关注（这也是我的问题）"),
    "summon": gettext_lazy("吹哨"),
    "check_in": gettext_lazy("报到"),
    "summons_rate": gettext_lazy("评价报到"),
    "case_attachment": gettext_lazy("补充照片"),
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
            details.append(gettext("、").join(data["department_names"]))
        elif data.get("department_name"):
            details.append(data["department_name"])
        rating = data.get("rating")
        if isinstance(rating, str):
            details.append(RATING_LABELS.get(rating, rating))
        elif isinstance(rating, int):
            details.append(gettext("{n} 星").format(n=rating))
        if data.get("passed") is False:
            details.append(gettext("不通过，返工"))
        if data.get("days"):
            details.append(gettext("{n} 个工作日").format(n=data["days"]))
        if event.actor_id and event.actor_id == case.reporter_id:
            who = reporter["name"] or gettext("上报人")
        elif event.actor_id and not staff_names:
            who = gettext("工作人员")
        elif event.actor_id:
            who = event.actor.display_name or event.actor.username
        else:
            who = gettext("群众") if event.action in ("report", "evaluate", "follow") else gettext("系统")
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
    can_summon = perms.can_summon(user, case) and case.status in SUMMONS_STATUSES
    return {
        "case": case,
        "events": _event_rows(case, reporter, staff_names=case_shows_staff_names_to(user, case)),
        "action_forms": _action_forms(user, case, bound=bound),
        "reporter": reporter,
        "photos": list(case.attachments.order_by("id")),
        "follower_count": follower_count(case=case),
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
        return 409, f"{CONFLICT_MESSAGE}{gettext('。')}{exc.message}"
    return 400, exc.message


@require_POST
@guarded(can_work_cases)
def case_act(request, case_id: int, action: str):
    case = case_get_for_user(user=request.user, case_id=case_id)
    spec = ACTION_BY_NAME.get(action)
    if spec is None:
        raise Http404
    form = ActionForm(request.POST, request.FILES, action=spec, user=request.user, case=case)
    if not form.is_valid():
        return _respond_panel(request, case_id, status=400, bound=form, error=gettext("请检查填写的内容"))
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
            form_error(
                form,
                exc,
                {"handler_department": "target", "handler_area": "target", "photos": "photo"},
            )
            return _respond_panel(request, case_id, status=400, bound=form, error=message)
        return _respond_panel(request, case_id, status=status, error=message)
    return _respond_panel(request, case_id, notice=gettext("已{action}").format(action=spec.button_label))


@require_POST
@guarded(can_work_cases)
def case_summon(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    form = SummonsForm(request.POST, case=case)
    if not form.is_valid():
        return _respond_panel(
            request, case_id, status=400, summons_form=form, error=gettext("请选择要吹哨的部门")
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
    return _respond_panel(request, case_id, notice=gettext("已吹哨，等待部门报到"))


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
    return _respond_panel(request, case.pk, notice=gettext("已报到"))


@require_POST
@guarded(can_work_cases)
def summons_rate_view(request, case_id: int, response_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    form = SummonsRateForm(request.POST)
    if not form.is_valid():
        return _respond_panel(request, case.pk, status=400, error=gettext("请选择 1–5 星评分"))
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
    return _respond_panel(request, case.pk, notice=gettext("已评价"))


@require_GET
@guarded(can_work_cases)
def case_photo(request, case_id: int, attachment_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    return serve_attachment(case.attachments.filter(pk=attachment_id).first())
