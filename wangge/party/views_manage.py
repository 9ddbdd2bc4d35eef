"""Party pages: creating and editing organisations, receiving a member from outside the
city, the member export, a meeting record with its photos, and the 双报到 feedback sheet
for a member's work unit."""

from django.contrib import messages
from django.db.models import Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.inputs import int_param
from wangge.party import exporting, selectors, services
from wangge.party.forms import MeetingPhotoForm, MemberFilterForm, OrgForm, TransferInForm
from wangge.party.models import Stage
from wangge.party.permissions import can_read_party, can_write_orgs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORG_FIELDS = ("name", "level", "kind", "industry", "unit_name", "joint_units", "secretary_name",
              "committee_size", "term_started")


def _org_fields(data: dict) -> dict:
    fields = {name: data[name] for name in ORG_FIELDS}
    fields["area"] = data["area_code"]
    return fields


# ---------------------------------------------------------------- organisations


@guarded(can_write_orgs)
def org_create(request):
    """A new organisation under ``?parent=`` (an organisation in scope), serving an area
    in the user's area scope."""
    parent = selectors.org_get_for_user(user=request.user, org_id=int_param(request.GET.get("parent")) or 0)
    form = OrgForm(request.POST or None, initial={"area_code": parent.area.code, "joint_units": 1})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, code=form.cleaned_data["code"].strip(),
                                      **_org_fields(form.cleaned_data))
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else "area_code", exc.message)
        else:
            messages.success(request, _("已新建党组织"))
            return redirect("party:org_detail", org.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("新建下级党组织") + f" · {parent.name}",
        "back": "party:org_detail", "back_id": parent.id,
    })


@guarded(can_write_orgs)
def org_edit(request, org_id: int):
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    initial = {name: getattr(org, name) for name in ORG_FIELDS}
    initial.update(area_code=org.area.code, dissolved_on=org.dissolved_on)
    form = OrgForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        from wangge.accounts.scope import path_in_scope
        from wangge.party.permissions import ORG_WRITE_ROLES

        fields = _org_fields(form.cleaned_data)
        fields["dissolved_on"] = form.cleaned_data["dissolved_on"]
        fields["area_path"] = fields["area"].path
        if not path_in_scope(request.user, fields["area_path"], ORG_WRITE_ROLES):
            form.add_error("area_code", _("所服务区域不在您的管辖范围内"))
        else:
            try:
                services.org_update(actor=request.user, org=org,
                                    version=int_param(request.POST.get("version")) or 0, **fields)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存"))
                return redirect("party:org_detail", org.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("编辑党组织") + f" · {org.name}", "back": "party:org_detail",
        "back_id": org.id, "version": org.version,
    })


# ---------------------------------------------------------------- transfers in


@guarded(can_read_party)
def transfer_in(request, org_id: int):
    """市外转入: the receiving organisation records the letter the member brings."""
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    form = TransferInForm(request.POST or None, initial={"issued_on": clock.today(), "stage": Stage.FULL})
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_in_record(actor=request.user, to_org=org, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已接收市外转入的组织关系"))
            return redirect("party:member_detail", transfer.member_id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("市外转入") + f" · {org.name}", "back": "party:org_detail", "back_id": org.id,
    })


# ---------------------------------------------------------------- export


@guarded(can_read_party)
def member_export(request):
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    org = None
    org_id = int_param(request.GET.get("org"))
    if org_id:
        org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    try:
        filename, handle = exporting.member_export(
            actor=request.user, org=org, status=filters.get("status", ""), stage=filters.get("stage", ""),
            request=request,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("party:member_list")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


# ---------------------------------------------------------------- meetings and photos


@guarded(can_read_party)
def meeting_detail(request, meeting_id: int):
    meeting = selectors.meetings_visible_to(request.user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    form = MeetingPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_photo_add(actor=request.user, meeting=meeting, photos=form.cleaned_data["photos"],
                                       request=request)
        except ApplicationError as exc:
            form.add_error("photos", exc.message)
        else:
            messages.success(request, _("已上传照片"))
            return redirect("party:meeting_detail", meeting.id)
    return render(request, "party/meeting_detail.html", {
        "meeting": meeting, "form": form, "photos": meeting.photos.order_by("id"),
        "attendees": meeting.attendees.order_by("name", "id"),
    })


@guarded(can_read_party)
def meeting_photo(request, meeting_id: int, token: str, size: str = "full"):
    """A meeting photo for party roles who may read the meeting (its token alone is not
    enough)."""
    meeting = selectors.meetings_visible_to(request.user).filter(pk=meeting_id).first()
    photo = meeting.photos.filter(token=token).first() if meeting is not None else None
    if photo is None:
        raise Http404
    field = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "image/jpeg" if field is photo.thumbnail else photo.content_type
    return FileResponse(handle, content_type=content_type)


# ---------------------------------------------------------------- 双报到 feedback sheet


@guarded(can_read_party)
def dual_feedback(request, registration_id: int):
    """The half-year feedback sheet a residential community sends to a member's work unit:
    their registration, claimed posts, confirmed hours and reports (printable)."""
    registration = (
        selectors.dual_visible_to(request.user)
        .select_related("member", "community", "member__org")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404
    hours = registration.hours.select_related("post").order_by("date", "id")
    confirmed = hours.filter(confirmed=True).aggregate(total=Sum("hours"))["total"] or 0
    return render(request, "party/dual_feedback.html", {
        "reg": registration, "member": registration.member, "hours": hours.filter(confirmed=True),
        "confirmed": confirmed, "posts": registration.posts.order_by("id"),
        "pending": hours.filter(~Q(confirmed=True)).count(), "today": clock.today(),
    })


@require_POST
@guarded(can_read_party)
def dual_feedback_sent(request, registration_id: int):
    try:
        services.dual_feedback_sent(actor=request.user, registration_id=registration_id)
        messages.success(request, _("已登记反馈单寄送"))
    except NotFoundOrForbidden:
        raise  # out of scope: 404 (guarded), never a message
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("party:dual_feedback", registration_id)
