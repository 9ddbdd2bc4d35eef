"""One input-cleaning layer in front of every view (issue 9, item 6).

Refused before any view, selector or query sees them:

- a NUL byte (``\\x00``) anywhere a view may read text from: the path, the query string,
  a header or cookie, a JSON body, a form field or an uploaded file's name. PostgreSQL
  text cannot hold NUL, so such input used to end as a 500 deep inside a query;
- a body over the size limit: 413 before it is read (``DATA_UPLOAD_MAX_MEMORY_SIZE`` for
  plain and JSON bodies, ``WANGGE_UPLOAD_MAX_BYTES`` for multipart uploads).

The answer speaks the caller's language: JSON ``{"detail": [{loc, msg, type}]}`` naming
the field under ``/api/``, the format an app declares for its own paths (the cases app:
the GeoReport error list, JSON or XML, under ``/open311/``), and a short page in words
elsewhere. Form bodies are checked when they are parsed (so that a
view may still install its upload handlers first); a refusal raised there reaches
``process_exception`` or, when middleware parsed it, ``bad_request`` (``handler400``).

Page numbers and dates are checked by the shared parsers in ``wangge.core.inputs``.
"""

import json

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import defaults

from wangge.core.dbfaults import API_PREFIX, fault_behind, trouble_response

NUL = "\x00"
NUL_MESSAGE = "不能包含空字符（\\0），请删除不可见的控制字符后重试"


class InputRefused(BadRequest):
    """Input no view should see; ``loc`` names where it was, as ninja's errors do."""

    def __init__(
        self,
        message: str,
        *,
        loc: list[str] | None = None,
        status: int = 400,
        code: str = "invalid_input",
    ):
        super().__init__(message)
        self.message = message
        self.loc = loc or []
        self.status = status
        self.code = code


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _too_large(limit: int) -> InputRefused:
    return InputRefused(
        f"提交的内容超过 {_mb(limit)} 的上限，请缩小文件或分批提交",
        loc=["body"],
        status=413,
        code="too_large",
    )


def refusal_formats() -> list[tuple[str, object]]:
    """``(path prefix, answer)`` pairs the installed apps declare on their AppConfig as
    ``input_refusal_formats = [("/open311/", "dotted.path.to.answer")]``: a refusal under
    that prefix is answered by ``answer(request, refusal)`` in the app's own wire format.
    Core names no app (issue 11); the longest prefix wins."""
    formats = [
        (prefix, import_string(answer))
        for config in apps.get_app_configs()
        for prefix, answer in getattr(config, "input_refusal_formats", ())
    ]
    return sorted(formats, key=lambda item: len(item[0]), reverse=True)


def refusal_where(refusal: InputRefused) -> str:
    """The field a refusal names (``form``/``query``… alone say nothing more)."""
    return refusal.loc[-1] if len(refusal.loc) > 1 else ""


def refusal_response(request, refusal: InputRefused) -> HttpResponse:
    path = request.path_info or ""
    for prefix, answer in refusal_formats():
        if path.startswith(prefix):
            return answer(request, refusal)
    if path.startswith(API_PREFIX):
        body = {"detail": [{"loc": refusal.loc, "msg": refusal.message, "type": refusal.code}]}
        return JsonResponse(body, status=refusal.status, json_dumps_params={"ensure_ascii": False})
    # Standalone page: no session, user or context processor is needed to render it.
    html = render_to_string(
        "input_refused.html",
        {"status": refusal.status, "message": refusal.message, "where": refusal_where(refusal)},
    )
    return HttpResponse(html, status=refusal.status)


def _shown(name: str) -> str:
    return name.replace(NUL, "\\0")[:60]


def _nul_in_json(value, loc: list[str]) -> list[str] | None:
    if isinstance(value, str):
        return loc if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                return [*loc, _shown(key)]
            if (found := _nul_in_json(item, [*loc, key])) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_in_json(item, [*loc, str(index)])) is not None:
                return found
    return None


def _nul_in_pairs(pairs, where: str) -> InputRefused | None:
    for key, values in pairs:
        if NUL in key or any(isinstance(v, str) and NUL in v for v in values):
            return InputRefused(NUL_MESSAGE, loc=[where, _shown(key)])
    return None


def _header_name(meta_key: str) -> str:
    return meta_key.removeprefix("HTTP_").replace("_", "-").title()


def _check_head(request) -> InputRefused | None:
    """The path, query string, headers and cookies; and the declared body size."""
    if NUL in request.path_info:
        return InputRefused(NUL_MESSAGE, loc=["path"])
    for key, value in request.META.items():
        if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and NUL in str(value):
            return InputRefused(NUL_MESSAGE, loc=["header", _header_name(key)])
    if refusal := _nul_in_pairs(((k, [v]) for k, v in request.COOKIES.items()), "cookie"):
        return refusal
    if refusal := _nul_in_pairs(request.GET.lists(), "query"):
        return refusal
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if request.content_type == "multipart/form-data":
        limit = settings.WANGGE_UPLOAD_MAX_BYTES
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return _too_large(limit)
    return None


def _check_json_body(request) -> InputRefused | None:
    """A non-form body (JSON for the API) with a NUL, raw or escaped as ``\\u0000``."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.content_type in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        return None
    body = request.body
    if b"\x00" in body:
        return InputRefused(NUL_MESSAGE, loc=["body"])
    if b"\\u0000" not in body.lower():
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the view refuses it in its own words
    found = _nul_in_json(data, ["body"])
    return InputRefused(NUL_MESSAGE, loc=found) if found is not None else None


def _check_forms_when_parsed(request) -> None:
    """Check form fields and file names the moment the body is parsed, not before: a view
    may install upload handlers first (the Excel import's size cap does)."""
    load = request._load_post_and_files

    def load_and_check():
        load()
        refusal = _nul_in_pairs(request._post.lists(), "form") or _nul_in_pairs(
            ((key, [f.name or "" for f in files]) for key, files in request._files.lists()),
            "form",
        )
        if refusal is not None:
            request._mark_post_parse_error()
            raise refusal

    request._load_post_and_files = load_and_check


def _as_refusal(exc) -> InputRefused | None:
    if isinstance(exc, InputRefused):
        return exc
    if isinstance(exc, RequestDataTooBig):
        return _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return InputRefused(_("提交的字段或文件过多"), loc=["body"])
    return None


class InputCleaningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refusal = _check_head(request) or _check_json_body(request)
        except RequestDataTooBig:
            refusal = _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if refusal is not None:
            return refusal_response(request, refusal)
        _check_forms_when_parsed(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        refusal = _as_refusal(exception)
        return refusal_response(request, refusal) if refusal is not None else None


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    """``handler400``: a refusal raised outside a view (CSRF checking parses the form in
    middleware) is answered like any other; other bad requests as Django does."""
    refusal = _as_refusal(exception)
    if refusal is not None:
        return refusal_response(request, refusal)
    if isinstance(exception, SessionInterrupted):  # the database went away mid-save
        trouble = trouble_response(request, fault_behind(exception))
        if trouble is not None:
            return trouble
    return defaults.bad_request(request, exception, template_name)
