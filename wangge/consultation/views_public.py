"""The public pages (no account): a community's proposal board, raising a proposal, "me
too", meeting check-in by QR code, and the 公示 of resolutions. Nothing personal is shown:
no raiser's name or phone, no participant names (docs/security.md)."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.accounts.ratelimit import counter_add, counter_value
from wangge.audit.services import client_ip
from wangge.consultation import forms as f
from wangge.consultation import selectors, services
from wangge.consultation.models import Meeting, Proposal, ProposalStatus
from wangge.consultation.views import form_error
from wangge.core.errors import ApplicationError, NotFoundOrForbidden


def public_limit_reached(request) -> bool:
    """Anonymous writes per client IP and hour (like the public report page)."""
    if request.user.is_authenticated:
        return False
    ip = client_ip(request) or "unknown"
    return counter_value("consult_public", ip) >= settings.WANGGE_CONSULTATION_PUBLIC_PER_HOUR


def public_count(request) -> None:
    if not request.user.is_authenticated:
        counter_add("consult_public", client_ip(request) or "unknown")


def _community(code):
    try:
        return selectors.public_community(code)
    except NotFoundOrForbidden:
        raise Http404 from None


@require_GET
def board(request, code):
    community = _community(code)
    return render(request, "consultation/public_board.html", {
        "community": community, "proposals": selectors.public_proposals(community)[:50],
        "threshold": settings.WANGGE_CONSULTATION_SUPPORT_THRESHOLD, "support_form": f.SupportForm(),
    })


@require_http_methods(["GET", "POST"])
def raise_proposal(request, code):
    community = _community(code)
    form = f.PublicProposalForm(request.POST or None, initial={"client_key": secrets.token_urlsafe(16)})
    similar = []
    if request.method == "POST":
        if public_limit_reached(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试"))
        elif form.is_valid() and not form.cleaned_data["confirm"] and (
            similar := selectors.proposals_similar(
                Proposal(community=community, title=form.cleaned_data["title"]), limit=3
            )
        ):
            # Similar proposals nearby: support one of them, or confirm a new one.
            form = f.PublicProposalForm({**request.POST.dict(), "confirm": "1"})
            form.is_valid()
            return render(request, "consultation/public_raise.html",
                          {"community": community, "form": form, "similar": similar, "confirming": True})
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_raise(
                    actor=None, community=community, title=data["title"], body=data["body"],
                    raiser_name=data["raiser_name"], raiser_phone=data["raiser_phone"],
                    client_key=data["client_key"] or None, request=request,
                )
            except ApplicationError as exc:
                form_error(form, exc if exc.field != "phone" else ApplicationError(exc.message, field="raiser_phone"))
            else:
                public_count(request)
                messages.success(request, _("议题已提交，邻居们可以为它附议"))
                return redirect("consultation:board", code=community.code)
    return render(request, "consultation/public_raise.html",
                  {"community": community, "form": form, "similar": similar},
                  status=400 if form.errors else 200)


@require_POST
def support(request, pk):
    proposal = Proposal.objects.filter(pk=pk).select_related("community").first()
    if proposal is None or proposal.status not in (ProposalStatus.OPEN, ProposalStatus.AGENDA):
        raise Http404
    form = f.SupportForm(request.POST)
    if public_limit_reached(request):
        messages.error(request, _("提交过于频繁，请稍后再试"))
    elif form.is_valid() or request.user.is_authenticated:
        phone = form.cleaned_data.get("phone", "") if form.is_valid() else ""
        try:
            _row, added = services.proposal_support(
                actor=request.user if request.user.is_authenticated else None,
                proposal_id=proposal.pk, phone=phone, request=request,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            public_count(request)
            if added:
                messages.success(request, _("已附议，感谢参与"))
            else:
                messages.info(request, _("您已附议过该议题"))
    else:
        messages.error(request, _("请填写手机号码，每个号码只能附议一次"))
    return redirect("consultation:board", code=proposal.community.code)


@require_http_methods(["GET", "POST"])
def checkin(request, token):
    meeting = Meeting.objects.filter(checkin_token=token).select_related("community").first()
    if meeting is None:
        raise Http404
    form = f.CheckInForm(request.POST or None, initial={"client_key": secrets.token_urlsafe(16)})
    done = None
    if request.method == "POST":
        if public_limit_reached(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试"))
        elif form.is_valid():
            try:
                done = services.meeting_check_in(token=token, request=request, **{
                    k: form.cleaned_data[k] for k in ("name", "role")
                }, client_key=form.cleaned_data["client_key"] or None)
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                public_count(request)
    return render(request, "consultation/public_checkin.html",
                  {"meeting": meeting, "form": form, "done": done},
                  status=400 if form.errors else 200)


@require_GET
def publicity(request, code):
    community = _community(code)
    services.resolutions_follow_cases(paths=[community.path])
    return render(request, "consultation/public_resolutions.html",
                  {"community": community, "resolutions": selectors.public_resolutions(community)})


@require_GET
def public_index(request):
    """The front door's way in: find your community by name."""
    from wangge.areas.models import Area, AreaKind

    q = (request.GET.get("q") or "").strip()[:50]
    rows = Area.objects.filter(kind=AreaKind.COMMUNITY)
    if q:
        rows = rows.filter(name__icontains=q)
    return render(request, "consultation/public_index.html",
                  {"q": q, "communities": rows.order_by("path")[:30]})
