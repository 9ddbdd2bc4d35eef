"""Staff pages of red property management, and the residents' opinion book and rating
pages (public: no author, phone or flat is shown)."""

import secrets
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.accounts.guards import guarded
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.paging import paginate
from wangge.property import forms as f
from wangge.property import selectors, services
from wangge.property.permissions import (
    can_read_area_property,
    can_read_property,
    can_write_in,
    can_write_property,
    company_ids_of,
    is_company_user,
)


def area_prefix(request) -> str:
    from wangge.areas.models import Area

    code = (request.GET.get("area") or "")[:20]
    area = Area.objects.filter(code=code).only("path").first() if code else None
    return area.path if area else ""


def form_error(form, exc: ApplicationError, aliases=None) -> None:
    field = (aliases or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _form_page(request, form, title, back, status=200):
    return render(request, "property/form.html", {"form": form, "title": title, "back": back},
                  status=status)


@guarded(can_read_property)
def estate_list(request):
    form = f.EstateFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.estates_visible_to(
        request.user, mode=data.get("mode", ""), q=data.get("q", ""),
        committee=data.get("committee", ""), company=data.get("company", ""), community=area_prefix(request),
    )
    page, query = paginate(request, rows)
    return render(request, "property/estate_list.html", {"form": form, "page": page, "query": query})


@require_http_methods(["GET", "POST"])
@guarded(can_read_property)
def estate_detail(request, pk):
    estate = selectors.estate_get_for_user(request.user, pk)
    profile = selectors.estate_profile(estate)
    initial = {"version": profile.version} if profile else {}
    if profile:
        initial.update({k: getattr(profile, k) for k in (
            "mode", "company", "fee_per_m2", "households", "delivered_percent", "manager_name",
            "manager_in_committees")})
    form = f.ProfileForm(request.POST or None, initial=initial,
                         companies=selectors.companies_visible_to(request.user))
    if request.method == "POST" and not can_write_in(request.user, estate.area_path):
        raise NotFoundOrForbidden()
    if request.method == "POST" and form.is_valid():
        try:
            services.estate_profile_save(actor=request.user, estate=estate, request=request,
                                         **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("小区物业档案已保存"))
            return redirect("property:estate_detail", pk=estate.pk)
    committees = selectors.committees_visible_to(request.user).filter(estate=estate)
    fees = selectors.fees_visible_to(request.user, estate=str(estate.pk))
    return render(request, "property/estate_detail.html", {
        "estate": estate, "profile": profile, "form": form, "committees": committees,
        "fees": fees[:12], "totals": selectors.fee_totals(fees), "cases": selectors.estate_cases(estate),
        "can_write": can_write_in(request.user, estate.area_path),
        "area_staff": can_read_area_property(request.user),
    }, status=400 if form.errors else 200)


@guarded(can_read_property)
def company_list(request):
    form = f.CompanyFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page, query = paginate(request, selectors.companies_visible_to(request.user, q=data.get("q", "")))
    return render(request, "property/company_list.html",
                  {"form": form, "page": page, "query": query, "can_write": can_write_property(request.user),
                   "area_staff": can_read_area_property(request.user)})


@require_http_methods(["GET", "POST"])
@guarded(can_read_property)
def company_detail(request, pk):
    """A company: its estates, party organisation (红色物业) and rating; area staff of the
    area it is registered in link its party organisation."""
    company = selectors.company_get_for_user(request.user, pk)
    can_link = can_write_in(request.user, company.area_path)
    action = request.POST.get("action", "party")
    form = f.PartyLinkForm(request.POST if action == "party" else None, initial={"party_org": company.party_org_id})
    staff_form = f.StaffForm(request.POST if action == "staff_add" else None)
    if request.method == "POST" and not can_link:
        raise NotFoundOrForbidden()
    if request.method == "POST" and action in ("staff_add", "staff_end"):
        from wangge.accounts.models import User

        try:
            if action == "staff_end":
                services.staff_end(actor=request.user, request=request,
                                   staff_id=int(request.POST.get("staff") or 0))
                return redirect("property:company_detail", pk=company.pk)
            if staff_form.is_valid():
                user = User.objects.filter(username=staff_form.cleaned_data["username"]).first()
                services.staff_add(actor=request.user, company_id=company.pk, user=user, request=request)
                messages.success(request, _("已保存"))
                return redirect("property:company_detail", pk=company.pk)
        except ApplicationError as exc:
            form_error(staff_form, exc)
    elif request.method == "POST" and form.is_valid():
        try:
            services.company_party_link(actor=request.user, company_id=company.pk, request=request,
                                        party_org=form.cleaned_data["party_org"])
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("property:company_detail", pk=company.pk)
    estates = selectors.estates_visible_to(request.user, company=str(company.pk))
    return render(request, "property/company_detail.html", {
        "company": company, "form": form, "can_link": can_link, "estates": estates[:50],
        "staff_form": staff_form, "staff": selectors.company_staff(company) if can_link else [],
        "estate_count": estates.count(), "party_path": selectors.party_path(company.party_org),
        "area_staff": can_read_area_property(request.user),
    }, status=400 if form.errors or staff_form.errors else 200)


@guarded(is_company_user)
def company_meetings(request):
    """A company's staff: the meetings of the communities they manage estates in."""
    page, query = paginate(request, selectors.company_meetings(request.user))
    return render(request, "property/company_meetings.html", {"page": page, "query": query})


@guarded(is_company_user)
def company_meeting_detail(request, pk):
    from wangge.consultation import selectors as meetings

    meeting = selectors.company_meetings(request.user).filter(pk=pk).first()
    if meeting is None:
        raise NotFoundOrForbidden()
    return render(request, "property/company_meeting_detail.html", {
        "meeting": meeting, "by_role": meetings.attendance_by_role(meeting),
        "agenda": meeting.agenda.order_by("order", "id"),
        "resolutions": meeting.resolutions.order_by("id"),
    })


@require_http_methods(["GET", "POST"])
@guarded(can_write_property)
def company_new(request):
    form = f.CompanyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_register(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc, {"credit_code": "credit", "phone": "contact_phone"})
        else:
            messages.success(request, _("物业公司已登记"))
            return redirect("property:company_list")
    return _form_page(request, form, _("登记物业公司"), reverse("property:company_list"),
                      status=400 if form.errors else 200)


@guarded(can_read_area_property)
def committee_list(request):
    form = f.CommitteeFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.committees_visible_to(request.user, expiring=bool(data.get("expiring")),
                                           kind=data.get("kind", ""), community=area_prefix(request))
    page, query = paginate(request, rows)
    return render(request, "property/committee_list.html",
                  {"form": form, "page": page, "query": query, "today": clock.today()})


@require_http_methods(["GET", "POST"])
@guarded(can_write_property)
def committee_new(request, estate_pk):
    estate = selectors.estate_get_for_user(request.user, estate_pk)
    if not can_write_in(request.user, estate.area_path):
        raise NotFoundOrForbidden()
    form = f.CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_record(actor=request.user, estate=estate, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            return redirect("property:estate_detail", pk=estate.pk)
    return _form_page(request, form, _("登记业委会/物管会") + " · " + estate.name,
                      reverse("property:estate_detail", args=[estate.pk]), status=400 if form.errors else 200)


@guarded(can_read_property)
def fee_list(request):
    form = f.FeeFilter(request.GET or None)
    period = None
    if form.is_valid() and form.cleaned_data.get("month"):
        try:
            year, month = (int(x) for x in form.cleaned_data["month"].split("-"))
            period = date(year, month, 1)
        except ValueError:
            form.add_error("month", _("请按 年-月 填写"))
    rows = selectors.fees_visible_to(request.user, period=period, community=area_prefix(request),
                                     estate=form.cleaned_data.get("estate", "") if form.is_valid() else "")
    page, query = paginate(request, rows)
    return render(request, "property/fee_list.html",
                  {"form": form, "page": page, "query": query, "totals": selectors.fee_totals(rows),
                   "can_import": can_write_property(request.user)})


@guarded(can_read_property)
def opinion_list(request):
    form = f.OpinionFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.opinions_visible_to(request.user, state=data.get("state", ""), community=area_prefix(request))
    page, query = paginate(request, rows)
    figures = selectors.reply_figures(selectors.opinions_visible_to(request.user))
    return render(request, "property/opinion_list.html",
                  {"form": form, "page": page, "query": query, "figures": figures, "now": clock.now()})


@require_http_methods(["GET", "POST"])
@guarded(can_read_property)
def opinion_detail(request, pk):
    entry = selectors.opinion_get_for_user(request.user, pk)
    action = request.POST.get("action", "")
    can_write = can_write_in(request.user, entry.area_path)
    # The staff of the company managing the estate reply as the company (nothing else).
    can_reply = can_write or selectors.estate_company_id(entry.estate_id) in company_ids_of(request.user)
    if request.method == "POST" and not (can_write or (can_reply and action == "reply")):
        raise NotFoundOrForbidden()
    reply_form = f.ReplyForm(request.POST if action == "reply" else None, as_company=not can_write)
    proposal_form = f.ToProposalForm(request.POST if action == "proposal" else None,
                                     initial={"title": entry.text[:40]})
    case_form = f.ToCaseForm(request.POST if action == "case" else None)
    forms = {"reply": reply_form, "proposal": proposal_form, "case": case_form}
    if request.method == "POST" and action in forms and forms[action].is_valid():
        data = forms[action].cleaned_data
        try:
            if action == "reply":
                services.opinion_reply(actor=request.user, entry_id=entry.pk, request=request, **data)
            elif action == "proposal":
                services.opinion_to_proposal(actor=request.user, entry_id=entry.pk, request=request, **data)
            else:
                services.opinion_to_case(actor=request.user, entry_id=entry.pk,
                                         category=int(data["category"]), request=request)
        except ApplicationError as exc:
            form_error(forms[action], exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("property:opinion_detail", pk=entry.pk)
    return render(request, "property/opinion_detail.html", {
        "entry": entry, "reply_form": reply_form, "proposal_form": proposal_form, "case_form": case_form,
        "can_write": can_write, "can_reply": can_reply,
    }, status=400 if request.method == "POST" else 200)


# ------------------------------------------------------------------ public pages


def _public_estate(pk):
    try:
        return selectors.public_estate(pk)
    except NotFoundOrForbidden:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def opinion_book(request, estate_pk):
    from wangge.consultation.views_public import public_count, public_limit_reached

    estate = _public_estate(estate_pk)
    form = f.OpinionForm(request.POST or None, initial={"client_key": secrets.token_urlsafe(16)})
    if request.method == "POST":
        if public_limit_reached(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试"))
        elif form.is_valid():
            try:
                services.opinion_write(actor=request.user if request.user.is_authenticated else None,
                                       estate=estate, request=request,
                                       **{**form.cleaned_data, "client_key": form.cleaned_data["client_key"] or None})
            except ApplicationError as exc:
                form_error(form, exc, {"phone": "author_phone"})
            else:
                public_count(request)
                messages.success(request, _("已提交，我们会在答复板公开答复"))
                return redirect("property:opinion_book", estate_pk=estate.pk)
    return render(request, "property/public_opinions.html", {
        "estate": estate, "form": form, "entries": selectors.public_opinions(estate),
        "profile": selectors.estate_profile(estate),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def rate(request, estate_pk):
    from wangge.consultation.views_public import public_count, public_limit_reached

    estate = _public_estate(estate_pk)
    form = f.RatingForm(request.POST or None)
    done = False
    if request.method == "POST":
        if public_limit_reached(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试"))
        elif form.is_valid():
            try:
                services.satisfaction_rate(estate=estate, request=request, **form.cleaned_data)
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                public_count(request)
                done = True
    return render(request, "property/public_rate.html",
                  {"estate": estate, "form": form, "done": done, "profile": selectors.estate_profile(estate)},
                  status=400 if form.errors else 200)


def public_estates(request):
    """The front door's way in: find your estate by name, then its opinion book or rating."""
    from wangge.areas.models import Estate

    q = (request.GET.get("q") or "").strip()[:50]
    rows = Estate.objects.filter(name__icontains=q).order_by("name", "id")[:30] if q else []
    return render(request, "property/public_estates.html", {"q": q, "estates": rows})
