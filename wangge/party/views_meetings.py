"""Party pages: 三会一课 records, the organisation health page, compliance, mobile
members and the 党员中心户 contacts (the grid worker's view)."""

import uuid
from datetime import date

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.paging import paginate
from wangge.party import rules, selectors, services
from wangge.party.forms import FlowContactForm, MeetingForm, PeriodForm
from wangge.party.models import COUNTED_STATUSES, MeetingKind
from wangge.party.permissions import (
    AREA_PARTY_ROLES,
    can_read_party,
    can_see_central_contacts,
    can_supervise_party,
)


@guarded(can_read_party)
def meeting_create(request, org_id: int):
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    members = list(org.members.filter(status__in=COUNTED_STATUSES).order_by("name", "id"))
    initial = {"date": clock.today(), "client_key": uuid.uuid4().hex,
               "kind": MeetingKind.ASSEMBLY if org.level != "group" else MeetingKind.GROUP}
    form = MeetingForm(request.POST or None, request.FILES or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused photo records nothing
                meeting = services.meeting_record(
                    actor=request.user, org=org, kind=data["kind"], on=data["date"], topic=data["topic"],
                    attendee_ids=data["attendees"], minutes=data["minutes"], client_key=data["client_key"],
                )
                if data["photos"] and not meeting.photos.exists():
                    services.meeting_photo_add(actor=request.user, meeting=meeting, photos=data["photos"],
                                               request=request)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if meeting.valid:
                messages.success(request, _("已记录会议"))
            else:
                messages.warning(request, _("已记录，但出席的有表决权党员未超过半数，本次党员大会无效"))
            return redirect("party:meeting_detail", meeting.id)
    return render(request, "party/meeting_form.html", {"form": form, "org": org})


@guarded(can_read_party)
def meeting_list(request):
    meetings = selectors.meetings_visible_to(request.user).order_by("-date", "-id")
    kind = request.GET.get("kind", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    page, query = paginate(request, meetings)
    return render(request, "party/meeting_list.html", {
        "page": page, "query": query, "kind": kind, "kinds": MeetingKind.choices,
    })


def _grids_in_scope(user):
    return filter_to_scope(Area.objects.filter(kind=AreaKind.GRID), user, field="path", roles=AREA_PARTY_ROLES)


@guarded(can_supervise_party)
def health(request):
    found, bare = rules.health(selectors.orgs_visible_to(request.user), _grids_in_scope(request.user))
    page, query = paginate(request, found)
    return render(request, "party/health.html", {
        "page": page, "query": query, "bare": rules.bare_grids_with_counts(bare), "bare_count": bare.count(),
        "branch_min": rules.rule("branch_min"), "branch_max": rules.rule("branch_max"),
        "group_from": rules.rule("grid_group_from"), "needs_group_label": rules.BREACH_LABELS["grid_needs_group"],
    })


def _period(request) -> tuple[date, date, str, str]:
    """(start, end, label, "quarter" or "year") from the filter; this quarter by default."""
    form = PeriodForm(request.GET or None)
    today = clock.today()
    year, quarter = today.year, str((today.month - 1) // 3 + 1)
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        quarter = form.cleaned_data["quarter"] or quarter
    if quarter == "year":
        start, end = rules.period_bounds(date(year, 1, 1), "year")
        return start, end, _("%(year)s 年全年") % {"year": year}, "year"
    start = date(year, 3 * (int(quarter) - 1) + 1, 1)
    return start, rules.add_months(start, 3), f"{year} Q{quarter}", "quarter"


@guarded(can_supervise_party)
def compliance(request):
    start, end, label, period = _period(request)
    user = request.user
    per_org, per_street, total = rules.compliance(
        selectors.orgs_visible_to(user), selectors.meetings_visible_to(user), start, end, period
    )
    streets = {a.path: a for a in Area.objects.filter(path__in=list(per_street))}
    street_rows = sorted(((streets.get(p), c) for p, c in per_street.items()), key=lambda r: r[0].path if r[0] else "")
    failing_ids = [org_id for org_id, (met, _detail) in per_org.items() if not met]
    failing = selectors.orgs_visible_to(user).filter(id__in=failing_ids).order_by("path")
    page, query = paginate(request, failing)
    for org in page:
        org.detail = [(MeetingKind(k).label, d, n) for k, (d, n) in per_org[org.id][1].items()]
    return render(request, "party/compliance.html", {
        "form": PeriodForm(request.GET or None), "label": label, "total": total,
        "street_rows": street_rows, "page": page, "query": query,
        "kind_labels": dict(MeetingKind.choices), "period": period,
    })


@guarded(can_read_party)
def mobile(request):
    user = request.user
    show = request.GET.get("show", "not_contacted")
    if show == "no_life":
        rows = selectors.no_org_life(user=user)
    elif show == "probation":
        rows = selectors.probation_due(user=user)
    else:
        show = "not_contacted"
        rows = selectors.flows_not_contacted(user=user)
    page, query = paginate(request, rows)
    return render(request, "party/mobile.html", {
        "page": page, "query": query, "show": show, "contact_form": FlowContactForm(initial={"date": clock.today()}),
    })


@require_POST
@guarded(can_read_party)
def flow_contact(request, flow_id: int):
    flow = selectors.flows_visible_to(request.user).filter(pk=flow_id).first()
    if flow is None:
        raise Http404
    form = FlowContactForm(request.POST)
    if form.is_valid() and form.cleaned_data["date"] <= clock.today():
        services.flow_contact_record(actor=request.user, flow=flow, on=form.cleaned_data["date"],
                                     note=form.cleaned_data["note"])
        messages.success(request, _("已记录联系"))
    else:
        messages.error(request, _("联系日期不正确"))
    return redirect("party:mobile")


@guarded(can_see_central_contacts)
def central(request):
    rows = selectors.central_contacts(user=request.user)
    page, query = paginate(request, rows)
    return render(request, "party/central.html", {"page": page, "query": query})



def household_central_panel(request, household) -> str:
    """The household page's section (people.household): the 党员中心户 this household keeps
    in touch with, and how to reach them — for grid workers in its grid and party staff;
    nothing else of the membership is shown."""
    user = request.user
    if not can_see_central_contacts(user):
        return ""
    from wangge.party.models import CentralHousehold

    touching = CentralHousehold.objects.filter(Q(household=household) | Q(linked=household)).values("id")
    rows = list(selectors.central_contacts(user=user).filter(id__in=touching)[:3])
    if not rows:
        return ""
    return render_to_string("party/_household_central.html", {"rows": rows, "household": household},
                            request=request)
