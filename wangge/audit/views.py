from django.shortcuts import render

from wangge.accounts import permissions
from wangge.accounts.guards import guarded
from wangge.audit.forms import AuditFilterForm
from wangge.audit.models import AuditSeal
from wangge.audit.selectors import audit_event_list
from wangge.core.paging import paginate


@guarded(permissions.can_read_audit)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        user=request.user,
        username=filters.get("username", ""),
        action=filters.get("action", ""),
        outcome=filters.get("outcome", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page, query = paginate(request, events)
    seals = AuditSeal.objects.all()[:7]
    return render(
        request, "audit/list.html", {"form": form, "page": page, "query": query, "seals": seals}
    )
