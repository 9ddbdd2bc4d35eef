"""Staff pages: proposals, meetings (with the check-in QR code), resolutions, 四议两公开
and the monthly compliance list. Thin: parse → check → one service → render."""

from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.accounts.guards import guarded
from wangge.consultation import deliberation as delib
from wangge.consultation import forms as f
from wangge.consultation import selectors, services
from wangge.consultation.models import Step
from wangge.consultation.permissions import can_read_consultation, can_write_in
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.paging import paginate
from wangge.core.qr import qr_svg


def area_prefix(request) -> str:
    """The ``area`` code of a dashboard drill-down as a path prefix ("" when none)."""
    from wangge.areas.models import Area

    code = (request.GET.get("area") or "")[:20]
    area = Area.objects.filter(code=code).only("path").first() if code else None
    return area.path if area else ""


def month_param(request):
    text = request.GET.get("month") or ""
    try:
        year, month = (int(x) for x in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def form_error(form, exc: ApplicationError) -> None:
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


def _form_page(request, form, title, *, status=200, back=None, multipart=False):
    return render(
        request, "consultation/form.html",
        {"form": form, "title": title, "back": back, "multipart": multipart},
        status=status,
    )


# ------------------------------------------------------------------ proposals


@guarded(can_read_consultation)
def proposal_list(request):
    form = f.ProposalFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.proposals_visible_to(request.user, status=data.get("status", ""), q=data.get("q", ""),
                                          community=area_prefix(request))
    page, query = paginate(request, rows)
    return render(request, "consultation/proposal_list.html", {"form": form, "page": page, "query": query})


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def proposal_new(request):
    form = f.StaffProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_raise(
                actor=request.user, community=data["community"], title=data["title"],
                body=data["body"], source=data["source"], source_ref=data["source_ref"], request=request,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("议题已录入"))
            return redirect("consultation:proposal_detail", pk=proposal.pk)
    return _form_page(request, form, _("录入议题"), status=400 if form.errors else 200,
                      back=reverse("consultation:proposal_list"))


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def proposal_detail(request, pk):
    proposal = selectors.proposal_get_for_user(request.user, pk)
    form = f.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.proposal_merge(
                actor=request.user, proposal_id=proposal.pk, into_id=form.cleaned_data["into"], request=request
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已合并"))
            return redirect("consultation:proposal_detail", pk=target.pk)
    return render(
        request, "consultation/proposal_detail.html",
        {"proposal": proposal, "similar": selectors.proposals_similar(proposal), "form": form,
         "can_write": can_write_in(request.user, proposal.area_path)},
        status=400 if form.errors else 200,
    )


# ------------------------------------------------------------------ meetings


@guarded(can_read_consultation)
def meeting_list(request):
    form = f.MeetingFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.meetings_visible_to(request.user, kind=data.get("kind", ""), held=data.get("held", ""),
                                         community=area_prefix(request), month=month_param(request))
    page, query = paginate(request, rows)
    return render(request, "consultation/meeting_list.html", {"form": form, "page": page, "query": query})


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def meeting_new(request):
    form = f.MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            return redirect("consultation:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, _("安排会议"), status=400 if form.errors else 200,
                      back=reverse("consultation:meeting_list"))


def checkin_url(request, meeting) -> str:
    return request.build_absolute_uri(reverse("consultation:checkin", args=[meeting.checkin_token]))


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    agenda_form = f.AgendaForm(request.POST if "case_number" in request.POST else None)
    minutes_form = f.MinutesForm(
        request.POST if "minutes" in request.POST else None,
        initial={"minutes": meeting.minutes, "version": meeting.version},
    )
    photo_form = f.PhotoForm(request.POST if "photo_upload" in request.POST else None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if photo_form.is_bound and photo_form.is_valid():
                services.meeting_photo_add(actor=request.user, meeting_id=meeting.pk, request=request,
                                           photos=photo_form.cleaned_data["photos"])
                return redirect("consultation:meeting_detail", pk=meeting.pk)
            if agenda_form.is_bound and agenda_form.is_valid():
                services.meeting_agenda_add(actor=request.user, meeting_id=meeting.pk, request=request,
                                            **agenda_form.cleaned_data)
                return redirect("consultation:meeting_detail", pk=meeting.pk)
            if minutes_form.is_bound and minutes_form.is_valid():
                services.meeting_record(actor=request.user, meeting_id=meeting.pk, request=request,
                                        **minutes_form.cleaned_data)
                messages.success(request, _("会议纪要已保存，会议已召开"))
                return redirect("consultation:meeting_detail", pk=meeting.pk)
        except ApplicationError as exc:
            form_error(photo_form if photo_form.is_bound else minutes_form if minutes_form.is_bound
                       else agenda_form, exc)
            if exc.code == "conflict":
                status = 409
    return render(
        request, "consultation/meeting_detail.html",
        {"meeting": meeting, "agenda": meeting.agenda.select_related("proposal", "case"),
         "attendance": meeting.attendance.order_by("at"), "agenda_form": agenda_form,
         "by_role": selectors.attendance_by_role(meeting), "photo_form": photo_form,
         "photos": meeting.photos.order_by("at"),
         "minutes_form": minutes_form, "checkin_url": checkin_url(request, meeting),
         "resolutions": meeting.resolutions.all(), "can_write": can_write_in(request.user, meeting.area_path)},
        status=status,
    )


@guarded(can_read_consultation)
def meeting_photo(request, pk, token, size="full"):
    """A meeting photo for staff who may read the meeting (its token alone is not enough)."""
    meeting = selectors.meeting_get_for_user(request.user, pk)
    photo = meeting.photos.filter(token=token).first()
    if photo is None:
        raise Http404
    field = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "image/jpeg" if field is photo.thumbnail else photo.content_type
    return FileResponse(handle, content_type=content_type)


@guarded(can_read_consultation)
def meeting_qr(request, pk):
    """The check-in QR code (SVG, generated here with segno: no outside service)."""
    meeting = selectors.meeting_get_for_user(request.user, pk)
    svg = qr_svg(checkin_url(request, meeting), scale=6, title=_("扫码签到"))
    return HttpResponse(svg, content_type="image/svg+xml")


# ------------------------------------------------------------------ resolutions


@guarded(can_read_consultation)
def resolution_list(request):
    services.resolutions_follow_cases()
    form = f.ResolutionFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.resolutions_visible_to(request.user, status=data.get("status", ""),
                                            overdue=bool(data.get("overdue")), community=area_prefix(request),
                                            due_month=month_param(request))
    page, query = paginate(request, rows)
    return render(request, "consultation/resolution_list.html",
                  {"form": form, "page": page, "query": query, "today": clock.today()})


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def resolution_new(request, meeting_pk):
    meeting = selectors.meeting_get_for_user(request.user, meeting_pk)
    form = f.ResolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resolution = services.resolution_create(
                actor=request.user, community=meeting.community, meeting_id=meeting.pk,
                title=data["title"], owner=data["owner"], due_date=data["due_date"],
                parent_id=data.get("parent"), request=request,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            return redirect("consultation:resolution_detail", pk=resolution.pk)
    return _form_page(request, form, _("形成决议事项"), status=400 if form.errors else 200,
                      back=reverse("consultation:meeting_detail", args=[meeting.pk]))


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def resolution_detail(request, pk):
    services.resolutions_follow_cases()
    resolution = selectors.resolution_get_for_user(request.user, pk)
    progress_form = f.ProgressForm(
        request.POST if "progress" in request.POST else None,
        initial={"progress": resolution.progress, "version": resolution.version},
    )
    case_form = f.OpenCaseForm(request.POST if "category" in request.POST else None,
                               initial={"description": resolution.title})
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if progress_form.is_bound and progress_form.is_valid():
                data = progress_form.cleaned_data
                services.resolution_update(actor=request.user, resolution_id=resolution.pk,
                                           progress=data["progress"], status=data["status"] or None,
                                           note=data["note"], version=data["version"], request=request)
                return redirect("consultation:resolution_detail", pk=resolution.pk)
            if case_form.is_bound and case_form.is_valid():
                services.resolution_open_case(actor=request.user, resolution_id=resolution.pk,
                                              category=int(case_form.cleaned_data["category"]),
                                              description=case_form.cleaned_data["description"],
                                              request=request)
                messages.success(request, _("已转入事件闭环办理"))
                return redirect("consultation:resolution_detail", pk=resolution.pk)
        except ApplicationError as exc:
            form_error(case_form if case_form.is_bound else progress_form, exc)
            if exc.code == "conflict":
                status = 409
    return render(
        request, "consultation/resolution_detail.html",
        {"resolution": resolution, "updates": resolution.updates.select_related("actor"),
         "children": resolution.children.all(), "progress_form": progress_form, "case_form": case_form,
         "can_write": can_write_in(request.user, resolution.area_path)},
        status=status,
    )


# ------------------------------------------------------------------ 四议两公开


@guarded(can_read_consultation)
def deliberation_list(request):
    page, query = paginate(request, selectors.deliberations_visible_to(request.user))
    return render(request, "consultation/deliberation_list.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def deliberation_new(request):
    form = f.DeliberationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            row = delib.deliberation_start(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            return redirect("consultation:deliberation_detail", pk=row.pk)
    return _form_page(request, form, _("发起四议两公开"), status=400 if form.errors else 200,
                      back=reverse("consultation:deliberation_list"))


@require_http_methods(["GET", "POST"])
@guarded(can_read_consultation)
def deliberation_detail(request, pk):
    row = selectors.deliberation_get_for_user(request.user, pk)
    upcoming = delib.next_step(row)
    form = f.StepForm(request.POST or None, initial={"step": upcoming, "held_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            delib.deliberation_step_record(actor=request.user, deliberation_id=row.pk, request=request,
                                           **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("步骤已记录"))
            return redirect("consultation:deliberation_detail", pk=row.pk)
    return render(
        request, "consultation/deliberation_detail.html",
        {"row": row, "steps": row.steps.all(), "form": form, "all_steps": Step.choices,
         "upcoming": Step(upcoming).label if upcoming else None,
         "can_write": can_write_in(request.user, row.area_path)},
        status=400 if form.errors else 200,
    )


@guarded(can_read_consultation)
def compliance(request):
    form = f.MonthForm(request.GET or None)
    today = clock.today()
    month = today.replace(day=1)
    if form.is_valid() and form.cleaned_data.get("month"):
        try:
            year, mon = (int(x) for x in form.cleaned_data["month"].split("-"))
            month = date(year, mon, 1)
        except ValueError:
            form.add_error("month", _("请按 年-月 填写"))
    rows = selectors.compliance_rows(request.user, month=month)
    return render(request, "consultation/compliance.html", {"form": form, "rows": rows, "month": month})
