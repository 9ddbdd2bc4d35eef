"""Excel export of the people registry (the import page is the engine's: wangge.imports)."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from wangge.accounts.guards import guarded
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.people import permissions
from wangge.people.exporting import EXPORT_KINDS, people_export
from wangge.people.forms import ResidentFilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@guarded(permissions.can_export)
def export(request, kind: str):
    if kind not in EXPORT_KINDS:
        raise Http404
    form = ResidentFilterForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        # A filter outside the user's scope must not quietly widen into the whole scope.
        raise NotFoundOrForbidden(_("筛选条件有误或不在您的管辖范围内"))
    filters = dict(form.cleaned_data) if request.GET else {}
    if kind != "residents":
        filters = {"area": filters.get("area"), "q": request.GET.get("q", "")[:50]}
    try:
        filename, handle = people_export(
            actor=request.user, kind=kind, filters=filters, request=request
        )
    except ApplicationError as exc:
        if exc.code == "rate_limited":
            return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
