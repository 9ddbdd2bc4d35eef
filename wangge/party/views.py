"""Party pages: organisations, members (masked, audited reveal), transfers. Meetings,
health, compliance, mobile members and 中心户 are in views_meetings.py."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.ratelimit import RateLimited, bulk_read_charge
from wangge.core.errors import ApplicationError
from wangge.core.inputs import int_param
from wangge.core.paging import paginate
from wangge.party import selectors, services
from wangge.party.forms import (
    FlowOutForm,
    MemberFilterForm,
    MemberForm,
    OrgFilterForm,
    TransferForm,
)
from wangge.party.models import BRANCH_LEVELS, Meeting, TransferStatus
from wangge.party.permissions import can_read_party, can_supervise_party, can_write_orgs
from wangge.party.services import MEMBER_FIELDS


@guarded(can_read_party)
def home(request):
    user = request.user
    return render(request, "party/home.html", {
        "orgs": selectors.org_list(user=user).count(),
        "members": selectors.members_visible_to(user).counted().count(),
        "open_transfers": selectors.transfers_open(user=user).count(),
        "expired_transfers": selectors.transfers_expired(user=user).count(),
        "probation_due": selectors.probation_due(user=user).count(),
        "not_contacted": selectors.flows_not_contacted(user=user).count(),
        "can_supervise": can_supervise_party(user),
    })


# ---------------------------------------------------------------- organisations


@guarded(can_read_party)
def org_list(request):
    form = OrgFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.org_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page, query = paginate(request, orgs)
    top = min((org.depth for org in page), default=1)
    for org in page:  # the tree, drawn by depth below the page's shallowest row
        org.indent = "· " * (org.depth - top)
    return render(request, "party/org_list.html", {"form": form, "page": page, "query": query})


@guarded(can_read_party)
def org_detail(request, org_id: int):
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    members = selectors.member_list(user=request.user, org=org)
    page, query = paginate(request, members)
    bulk_read_charge(user=request.user, rows=len(page), request=request, what="party_member")
    meetings = Meeting.objects.filter(org=org).order_by("-date", "-id")[:10]
    children = selectors.orgs_visible_to(request.user).filter(
        path__startswith=org.path, depth=org.depth + 1, dissolved_on__isnull=True
    ).order_by("path")
    return render(request, "party/org_detail.html", {
        "org": org, "page": page, "query": query, "meetings": meetings, "children": children,
        "can_meet": True, "is_branch": org.level in BRANCH_LEVELS,
        "can_write": can_write_orgs(request.user),
    })


# ---------------------------------------------------------------- members


@guarded(can_read_party)
def member_list(request):
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    org = None
    org_id = int_param(request.GET.get("org"))
    if org_id:
        org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    members = selectors.member_list(user=request.user, org=org, **{k: v for k, v in filters.items() if v})
    page, query = paginate(request, members)
    bulk_read_charge(user=request.user, rows=len(page), request=request, what="party_member")
    return render(request, "party/member_list.html", {"form": form, "page": page, "query": query, "org": org})


@guarded(can_read_party)
def member_detail(request, member_id: int):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    return render(request, "party/member_detail.html", {
        "member": member,
        "transfers": member.transfers.select_related("from_org", "to_org").order_by("-issued_on", "-id"),
        "flows": member.flows.order_by("-since"),
        "open_transfer": member.transfers.filter(status=TransferStatus.ISSUED).first(),
    })


@require_POST
@guarded(can_read_party)
def member_reveal(request, member_id: int, field: str):
    if field not in services.REVEALABLE:
        raise Http404
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    try:
        value = services.member_reveal(actor=request.user, member=member, field=field, request=request)
    except RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    return render(request, "party/_revealed.html", {"value": value})


@guarded(can_read_party)
def member_create(request):
    org = selectors.org_get_for_user(user=request.user, org_id=int_param(request.GET.get("org")) or 0)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in MEMBER_FIELDS}
        try:
            member = services.member_create(
                actor=request.user, org=org, id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"], **data,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记党员"))
            return redirect("party:member_detail", member.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("登记党员") + f" · {org.name}", "back": "party:org_detail", "back_id": org.id,
    })


@guarded(can_read_party)
def member_edit(request, member_id: int):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    form = MemberForm(request.POST or None, instance=member, editing=True,
                      initial={"phone": ""})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in MEMBER_FIELDS}
        if form.cleaned_data["phone"]:
            data["phone"] = form.cleaned_data["phone"]
        try:
            services.member_update(actor=request.user, member=member,
                                   version=int_param(request.POST.get("version")) or 0, **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:member_detail", member.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("编辑党员") + f" · {member.name}", "back": "party:member_detail",
        "back_id": member.id, "version": member.version,
    })


@guarded(can_read_party)
def flow_out(request, member_id: int):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    form = FlowOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.flow_out_record(actor=request.user, member=member, **form.cleaned_data)
        messages.success(request, _("已登记流动党员"))
        return redirect("party:member_detail", member.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("登记外出流动") + f" · {member.name}",
        "back": "party:member_detail", "back_id": member.id,
    })


# ---------------------------------------------------------------- transfers


@guarded(can_read_party)
def transfer_issue(request, member_id: int):
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_issue(actor=request.user, member=member, letter_no=data["letter_no"],
                                    to_org=data["to_org"], outside_org=data["outside_org"], note=data["note"])
        except ApplicationError as exc:
            form.add_error("to_org_code" if exc.field == "to_org" else None, exc.message)
        else:
            messages.success(request, _("已开具组织关系介绍信"))
            return redirect("party:member_detail", member.id)
    return render(request, "party/form_page.html", {
        "form": form, "title": _("转出组织关系") + f" · {member.name}",
        "back": "party:member_detail", "back_id": member.id,
    })


@guarded(can_read_party)
def transfer_list(request):
    which = request.GET.get("show", "open")
    transfers = selectors.transfers_visible_to(request.user)
    if which == "expired":
        transfers = selectors.transfers_expired(user=request.user)
    elif which == "open":
        transfers = selectors.transfers_open(user=request.user)
    else:
        transfers = transfers.order_by("-issued_on", "-id")
    page, query = paginate(request, transfers)
    receivable = set(selectors.orgs_visible_to(request.user).filter(
        id__in=[t.to_org_id or t.from_org_id for t in page]).values_list("id", flat=True))
    return render(request, "party/transfer_list.html", {
        "page": page, "query": query, "show": which, "receivable": receivable,
    })


@require_POST
@guarded(can_read_party)
def transfer_action(request, transfer_id: int, action: str):
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    try:
        if action == "receive":
            services.transfer_receive(actor=request.user, transfer=transfer)
            messages.success(request, _("已接收组织关系"))
        elif action == "return":
            services.transfer_return(actor=request.user, transfer=transfer)
            messages.success(request, _("已退回介绍信"))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("party:transfer_list")
