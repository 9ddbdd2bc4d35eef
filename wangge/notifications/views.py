"""The notification centre (list, mark read), the channel preferences and the outbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from wangge.audit.services import audit_access_denied
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.inputs import page_number
from wangge.notifications import registry, selectors, services
from wangge.notifications.channels import CHANNELS
from wangge.notifications.models import DeliveryStatus

PAGE_SIZE = 20


@login_required
def notice_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notices_of(user=request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(page_number(request.GET.get("page")))
    for notice in page:
        notice.kind_label = registry.kind_label(notice.kind)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": "unread=1" if unread_only else "",
            "can_read_outbox": selectors.can_read_outbox(request.user),
        },
    )


@require_POST
@login_required
def notice_read(request, notice_id: int):
    try:
        notice = services.notice_mark_read(user=request.user, notice_id=notice_id)
    except NotFoundOrForbidden as exc:
        audit_access_denied(request)
        raise Http404(exc.message) from exc
    # "Open" marks the notice read and goes where it points (our own pages only).
    if (
        request.POST.get("open")
        and notice.link
        and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    ):
        return redirect(notice.link)
    return redirect("notifications:list")


@require_POST
@login_required
def notice_read_all(request):
    count = services.notices_mark_all_read(user=request.user)
    messages.success(request, ngettext("已将 {n} 条通知标为已读", "已将 {n} 条通知标为已读", count).format(n=count))
    return redirect("notifications:list")


@login_required
def preferences(request):
    preference = services._preference(request.user)
    chosen = set(preference.channels) if preference else set()
    phone = preference.phone if preference else ""
    error = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("channels"))
        phone = request.POST.get("phone", "")
        try:
            services.preference_update(
                user=request.user, channels=chosen, phone=phone, request=request
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, gettext("通知方式已保存"))
            return redirect("notifications:preferences")
    channels = [
        {"code": c.code, "label": c.label, "checked": c.code in chosen, "ready": c.configured()}
        for c in CHANNELS.values()
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"channels": channels, "phone": phone, "error": error, "email": request.user.email},
    )


def _outbox_guard(request) -> None:
    if not selectors.can_read_outbox(request.user):
        audit_access_denied(request)
        raise Http404


@login_required
def outbox_page(request):
    _outbox_guard(request)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    page = Paginator(selectors.outbox(status=status), PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "counts": selectors.outbox_counts(),
            "channel_labels": {c.code: c.label for c in CHANNELS.values()},
            "query": f"status={status}" if status else "",
        },
    )


@require_POST
@login_required
def outbox_retry(request, delivery_id: int):
    _outbox_guard(request)
    try:
        services.delivery_retry(actor=request.user, delivery_id=delivery_id, request=request)
    except NotFoundOrForbidden as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已重新加入发送队列"))
    return redirect("notifications:outbox")
