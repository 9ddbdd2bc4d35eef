"""The import page: upload → preview (every row checked, nothing written) → confirm (the
kept upload is imported in the chosen mode). It lists every registered kind the user may
import; the URLs are mounted by an app's urls.py (people: /people/import/), and links are
reversed in the namespace the page was reached through."""

import io
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind
from wangge.audit.services import audit_access_denied
from wangge.core.errors import ApplicationError
from wangge.imports.engine import import_run
from wangge.imports.files import (
    import_report_path,
    import_report_store,
    import_template_write,
    import_upload_keep,
    import_upload_path,
)
from wangge.imports.kinds import ImportMode
from wangge.imports.registry import (
    can_import_any,
    import_kind_get,
    import_kinds_for,
    import_page_links,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "imports/import.html"
# Rejected rows shown on the page; the downloadable report has them all.
ERRORS_ON_PAGE = 200


def _guarded(view):
    """Login required; a user who may import no kind gets 404, audited as a denial."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_import_any(request.user):
            audit_access_denied(request)
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _size_text() -> str:
    return f"{settings.WANGGE_IMPORT_MAX_BYTES / (1024 * 1024):.0f} MB"


def _kind_choices(user) -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in import_kinds_for(user)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    default_grid = forms.ChoiceField(
        label=_("新建户所属网格"),
        required=False,
        help_text=_("居民导入时，表中没有网格编码的行，新建的户归入此网格"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices(user)
        self.fields["file"].help_text = gettext("请使用下方模板，文件不超过 %(size)s") % {"size": _size_text()}
        grids = _writable_grids(user).values_list("code", "name")
        self.fields["default_grid"].choices = [("", gettext("（按表中的网格编码）"))] + [
            (code, gettext("%(name)s（%(code)s）") % {"name": name, "code": code}) for code, name in grids
        ]


class ConfirmForm(forms.Form):
    """The second step: apply the upload that was previewed."""

    token = forms.CharField(max_length=64)
    kind = forms.ChoiceField()
    mode = forms.ChoiceField(choices=ImportMode.choices)
    default_grid = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices(user)


def _writable_grids(user):
    """Grids the user may import rows into, by any kind they may use."""
    roles = frozenset().union(*(kind.handler.write_roles or () for kind in import_kinds_for(user)))
    return filter_to_scope(
        Area.objects.filter(kind=AreaKind.GRID), user, field="path", roles=roles
    ).order_by("path")


class UploadSizeCap(FileUploadHandler):
    """Stops keeping an upload once it passes the size cap, so a huge file is never
    stored; the view then reports it as too large."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.WANGGE_IMPORT_MAX_BYTES
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 64 * 1024:
            self.request.wangge_upload_too_large = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self.request, "wangge_upload_too_large", False):
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.wangge_upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _url(request, name: str, *args) -> str:
    """A URL of the import page's own family, in the namespace it was reached through."""
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return reverse(f"{namespace}:{name}" if namespace else name, args=args)


# The size cap must be installed before the body is parsed, which CSRF checking does;
# so CSRF is checked by the inner view (Django's documented pattern for upload handlers).
@csrf_exempt
@_guarded
def import_page(request):
    request.upload_handlers.insert(0, UploadSizeCap(request))
    return _import_page(request)


@csrf_protect
def _import_page(request):
    kinds = import_kinds_for(request.user)
    context = {
        "kinds": [
            (kind.key, kind.label, _url(request, "import_template", kind.key)) for kind in kinds
        ],
        "hints": [kind.hint for kind in kinds if kind.hint],
        "preview_notes": [kind.preview_hint for kind in kinds if kind.preview_hint],
        "uses_default_grid": any(kind.handler.uses_default_grid for kind in kinds),
        "page_links": import_page_links(request.user),
        "page_url": _url(request, "import"),
    }
    if request.method != "POST":
        context["form"] = ImportForm(
            initial={"kind": request.GET.get("kind", kinds[0].key)}, user=request.user
        )
        return render(request, TEMPLATE, context)
    if "token" in request.POST:
        return _import_confirm(request, context)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if getattr(request, "wangge_upload_too_large", False):
        form.add_error("file", gettext("文件超过 %(size)s 的上限") % {"size": _size_text()})
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = import_run(
                actor=request.user,
                kind=data["kind"],
                mode=data["mode"],
                upload=data["file"],
                request=request,
                preview=True,
                default_grid=data["default_grid"],
            )
            if _can_apply(result):
                context["confirm"] = {
                    "token": import_upload_keep(actor=request.user, upload=data["file"]),
                    "kind": data["kind"],
                    "mode": data["mode"],
                    "default_grid": data["default_grid"],
                }
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context["form"] = form
    if result is not None:
        context |= _result_context(request, result)
    return render(request, TEMPLATE, context, status=200 if form.is_valid() else 400)


def _can_apply(result) -> bool:
    if result.valid_rows == 0:
        return False
    return result.mode == ImportMode.VALID_ROWS or result.rejected_rows == 0


def _import_confirm(request, context):
    confirm = ConfirmForm(request.POST, user=request.user)
    context["form"] = ImportForm(user=request.user)
    path = None
    if confirm.is_valid():
        path = import_upload_path(actor=request.user, token=confirm.cleaned_data["token"])
    if path is None:
        context["page_error"] = gettext("预览已过期或已导入，请重新上传文件")
        return render(request, TEMPLATE, context, status=400)
    data = confirm.cleaned_data
    try:
        with path.open("rb") as handle:
            result = import_run(
                actor=request.user,
                kind=data["kind"],
                mode=data["mode"],
                upload=File(handle, name="upload.xlsx"),
                request=request,
                default_grid=data["default_grid"],
            )
    except ApplicationError as exc:
        context["page_error"] = exc.message
        return render(request, TEMPLATE, context, status=400)
    finally:
        path.unlink(missing_ok=True)
    context |= _result_context(request, result)
    return render(request, TEMPLATE, context)


def _result_context(request, result) -> dict:
    kind = import_kind_get(result.kind)
    labels = kind.handler.created_labels
    token = import_report_store(actor=request.user, result=result)
    return {
        "result": result,
        "created": [(labels.get(key, key), value) for key, value in result.created.items()],
        "errors": result.errors[:ERRORS_ON_PAGE],
        "errors_capped": result.error_count > ERRORS_ON_PAGE,
        "report_url": _url(request, "import_report", token) if token else "",
        "kind_label": kind.label,
        "mode_label": ImportMode(result.mode).label,
        "result_template": kind.result_template,
    }


@_guarded
def import_template(request, kind: str):
    spec = import_kind_get(kind)
    if spec is None or not spec.permission(request.user):
        raise Http404
    buffer = io.BytesIO()
    grid_code = _writable_grids(request.user).values_list("code", flat=True).first() or ""
    import_template_write(kind=kind, target=buffer, grid_code=grid_code)
    buffer.seek(0)
    with translation.override("zh-hans"):  # the file keeps its Chinese name in every language
        filename = f"{spec.label}导入模板.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)


@_guarded
def import_report(request, token: str):
    path = import_report_path(actor=request.user, token=token)
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename="导入错误报告.xlsx", content_type=XLSX
    )
