"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over the cases domain.

Endpoints (each in ``.json`` and ``.xml``): ``services``, ``services/{service_code}``,
``requests`` (GET list, POST create with ``api_key``), ``requests/{service_request_id}``
and ``tokens/{token}``. Reading is public, as the spec intends; only categories marked
``open311_enabled`` are visible. Our ``service_request_id`` is the case number; the
``token`` is the case's tracking token.
Only public requests are read (category flagged public, not a visit's need), at a
coarsened location, without names or phones; photos are named by unguessable tokens. ``jurisdiction_id`` is accepted and ignored: one
deployment serves one city.
"""

import hmac
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_locate_point
from wangge.cases.models import Attachment, Case, Category, Source
from wangge.cases.open311 import public
from wangge.cases.open311.formats import error_response, respond
from wangge.cases.services import case_report, is_token_shaped
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.inputs import date_checked

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\]$")
# Our service error fields → the Open311 parameter a client sent.
PARAM_OF_FIELD = {
    "category": "service_code",
    "location": "lat/long",
    "grid": "attribute[area]",
    "lat": "lat",
    "address": "address_string",
    "description": "description",
    "reporter_phone": "phone",
    "phone": "phone",
    "photos": "media",
}


# --------------------------------------------------------------------------- helpers


def _method_not_allowed(fmt: str, allowed: list[str]):
    response = error_response(fmt, 405, f"只支持 {', '.join(allowed)} 请求")
    response["Allow"] = ", ".join(allowed)
    return response


def _parse_when(raw: str, *, field: str, end: bool = False) -> datetime:
    text = raw.strip()
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    try:
        # Both raise ValueError for a well-formed impossible value (2024-02-30).
        value = parse_datetime(text) or parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise ApplicationError(f"{field} 不是有效的 W3C 日期时间（如 2024-05-01T00:00:00+08:00）")
    date_checked(value, field=field)  # year 1 or 9999 would overflow below
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1) if end else value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.LOCAL_TZ)
    return value


def _group_names() -> dict[str, str]:
    return dict(Category.objects.filter(depth=1).values_list("path", "name"))


def _group_of(category: Category, groups: dict[str, str]) -> str:
    return groups.get(category.path[: Category.steplen], category.name)


def _service_row(category: Category, groups: dict[str, str]) -> dict:
    group = _group_of(category, groups)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name if group == category.name else f"{group} / {category.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": group,
    }


def _community_values() -> list[dict]:
    """Every community as ``{key: code, name: "街道 / 社区"}``, in tree order."""
    areas = Area.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path")
    streets: dict[str, str] = {}
    values = []
    for area in areas.only("path", "kind", "code", "name"):
        if area.kind == AreaKind.STREET:
            streets[area.path] = area.name
        else:
            street = streets.get(area.path[: Area.steplen * 3], "")
            values.append(
                {"key": area.code, "name": f"{street} / {area.name}" if street else area.name}
            )
    return values


def _attributes() -> list[dict]:
    return [
        {
            "variable": True,
            "code": "area",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "社区编码",
            "order": 1,
            "description": "问题所在社区。未提供 lat/long 时必填，用于确定承办网格。",
            "values": _community_values(),
        },
        {
            "variable": True,
            "code": "anonymous",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "true 或 false，默认 false",
            "order": 2,
            "description": "匿名上报：不保存联系人姓名和电话，办理人员看不到上报人。",
            "values": [{"key": "false", "name": "实名"}, {"key": "true", "name": "匿名"}],
        },
    ]


def _request_row(request, case, *, photos: dict, estates: dict) -> dict:
    status = public.open311_status(case)
    photo = photos.get(case.pk)
    media_url = (
        request.build_absolute_uri(reverse("open311:media", args=[photo.token])) if photo else None
    )
    address, lat, lng = public.public_location(case, estates)
    return {
        "service_request_id": case.number,
        "status": status,
        "status_notes": public.status_note(case),
        "service_name": case.category.name,
        "service_code": case.category.code,
        # Nothing the reporter wrote is published: the category's name stands in.
        "description": case.category.name,
        "agency_responsible": public.agency_name(case),
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": case.resolve_due_at,
        "address": address or None,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": media_url,
    }


def _request_rows(request, cases) -> list[dict]:
    cases = list(cases)
    ids = [case.pk for case in cases]
    photos = public.first_report_photos(ids)
    estates = public.estate_names(case.grid_id for case in cases if case.grid_id)
    return [_request_row(request, case, photos=photos, estates=estates) for case in cases]


def _api_key_valid(key: str) -> bool:
    keys = settings.WANGGE_OPEN311_API_KEYS
    return bool(key) and any(hmac.compare_digest(key.encode(), k.encode()) for k in keys)


# --------------------------------------------------------------------------- services


@csrf_exempt
def service_list(request, fmt: str):
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(fmt, ["GET"])
    groups = _group_names()
    rows = [_service_row(category, groups) for category in public.public_categories()]
    return respond(fmt, rows, root="services", item="service")


@csrf_exempt
def service_definition(request, service_code: str, fmt: str):
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(fmt, ["GET"])
    category = public.public_category_get(service_code)
    if category is None:
        return error_response(fmt, 404, f"未找到服务 service_code={service_code}")
    definition = {"service_code": category.code, "attributes": _attributes()}
    return respond(fmt, definition, root="service_definition", item=None)


# --------------------------------------------------------------------------- requests


@csrf_exempt
def requests_view(request, fmt: str):
    if request.method in ("GET", "HEAD"):
        return _request_list(request, fmt)
    if request.method == "POST":
        return _request_create(request, fmt)
    return _method_not_allowed(fmt, ["GET", "POST"])


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _request_list(request, fmt: str):
    params = request.GET
    cases = public.public_case_queryset()
    ids = _split(params.get("service_request_id", ""))
    if ids:
        # The spec: a list of ids overrides every other argument.
        cases = cases.filter(number__in=ids[:MAX_RESULTS]).order_by("-created_at", "-id")
        return respond(fmt, _request_rows(request, cases), root="service_requests", item="request")
    try:
        start = (
            _parse_when(params["start_date"], field="start_date")
            if params.get("start_date")
            else None
        )
        end = (
            _parse_when(params["end_date"], field="end_date", end=True)
            if params.get("end_date")
            else None
        )
    except ApplicationError as exc:
        return error_response(fmt, 400, exc.message)
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        return error_response(fmt, 400, "end_date 不能早于 start_date")
    if end - start > MAX_SPAN:
        return error_response(fmt, 400, "start_date 与 end_date 的跨度不能超过 90 天")
    cases = cases.filter(created_at__gte=start, created_at__lte=end)
    codes = _split(params.get("service_code", ""))
    if codes:
        paths = list(Category.objects.filter(code__in=codes).values_list("path", flat=True))
        if not paths:
            return error_response(fmt, 400, f"未找到服务 service_code={','.join(codes)}")
        condition = None
        for path in paths:
            term = Q(category__path__startswith=path)
            condition = term if condition is None else condition | term
        cases = cases.filter(condition)
    statuses = set(_split(params.get("status", "").lower()))
    if statuses:
        if not statuses <= {"open", "closed"}:
            return error_response(fmt, 400, "status 只能是 open 或 closed（可用逗号分隔）")
        cases = cases.filter(public.status_filter(statuses))
    cases = cases.order_by("-created_at", "-id")[:MAX_RESULTS]
    return respond(fmt, _request_rows(request, cases), root="service_requests", item="request")


def _attributes_from(data) -> dict[str, str]:
    found = {}
    for key in data:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            found[match.group(1)] = data.get(key, "").strip()
    return found


def _float(data, name: str) -> float | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApplicationError(f"{name} 必须是数字（WGS84 经纬度）") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ApplicationError(f"{name} 必须是数字（WGS84 经纬度）")
    return value


def _report_arguments(data, files) -> dict:
    """Open311 POST parameters → ``case_report`` keyword arguments (or ApplicationError)."""
    code = (data.get("service_code") or "").strip()
    if not code:
        raise ApplicationError("缺少 service_code")
    category = public.public_category_get(code)
    if category is None:
        raise ApplicationError(f"未找到服务 service_code={code}")
    lat, lng = _float(data, "lat"), _float(data, "long")
    if (lat is None) != (lng is None):
        raise ApplicationError("lat 与 long 须同时提供")
    address = (data.get("address_string") or "").strip() or (data.get("address_id") or "").strip()
    if lat is None and not address:
        raise ApplicationError("须提供位置：lat/long、address_string 或 address_id 之一")
    attributes = _attributes_from(data)
    unknown = sorted(set(attributes) - {"area", "anonymous"})
    if unknown:
        raise ApplicationError(f"未知的属性 attribute[{unknown[0]}]")
    anonymous_raw = attributes.get("anonymous", "false").lower()
    if anonymous_raw not in ("true", "false", ""):
        raise ApplicationError("attribute[anonymous] 只能是 true 或 false")
    area = None
    if attributes.get("area"):
        area = Area.objects.filter(code=attributes["area"], kind=AreaKind.COMMUNITY).first()
        if area is None:
            raise ApplicationError(f"未找到社区 attribute[area]={attributes['area']}")
    if lat is not None and area is not None and area_locate_point(lat=lat, lng=lng) is not None:
        area = None  # the point names a grid: finer than the community
    if lat is None and area is None:
        raise ApplicationError("仅凭地址无法确定承办网格：请提供 lat/long 或 attribute[area]")
    description = (data.get("description") or "").strip() or category.name
    media_url = (data.get("media_url") or "").strip()
    if media_url:
        if not re.match(r"^https?://", media_url, re.IGNORECASE) or len(media_url) > 500:
            raise ApplicationError("media_url 须是 http(s) 地址")
        # We never fetch it (no outbound requests); the handler sees the link.
        description = f"{description}\n附件链接：{media_url}"
    name = f"{(data.get('last_name') or '').strip()}{(data.get('first_name') or '').strip()}"
    media = files.getlist("media")
    return {
        "category": category,
        "description": description,
        "lat": lat,
        "lng": lng,
        "address": address[:200],
        "grid": area,
        "anonymous": anonymous_raw == "true",
        "reporter_name": name[:50],
        "reporter_phone": (data.get("phone") or "").strip(),
        "photos": media,
    }


def _request_create(request, fmt: str):
    data = request.POST
    key = (data.get("api_key") or request.GET.get("api_key") or "").strip()
    if not _api_key_valid(key):
        return error_response(fmt, 403, "api_key 无效，不能提交服务请求")
    try:
        arguments = _report_arguments(data, request.FILES)
        case = case_report(actor=None, source=Source.OPEN311, request=request, **arguments)
    except ApplicationError as exc:
        param = PARAM_OF_FIELD.get(exc.field or "")
        return error_response(fmt, 400, f"{param}：{exc.message}" if param else exc.message)
    notice = f"已收到上报，案件编号 {case.number}，可凭 token 查询办理进度。"
    row = {
        "service_request_id": case.number,
        "token": case.token,
        "service_notice": notice,
        "account_id": None,
    }
    return respond(fmt, [row], root="service_requests", item="request")


@csrf_exempt
def request_detail(request, request_id: str, fmt: str):
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(fmt, ["GET"])
    cases = public.public_case_queryset().filter(number=request_id)
    rows = _request_rows(request, cases)
    if not rows:
        return error_response(fmt, 404, f"未找到服务请求 service_request_id={request_id}")
    return respond(fmt, rows, root="service_requests", item="request")


@csrf_exempt
def token_detail(request, token: str, fmt: str):
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(fmt, ["GET"])
    case = Case.objects.filter(public.PUBLIC_CASE, token=token).only("number", "token").first()
    if case is None:
        return error_response(fmt, 404, "未找到该 token 对应的服务请求")
    rows = [{"service_request_id": case.number, "token": case.token}]
    return respond(fmt, rows, root="service_requests", item="request")


def media(request, token: str):
    """The photo behind ``media_url``, named by its unguessable token (never its id):
    report photos of public requests only."""
    if not is_token_shaped(token):
        raise Http404
    public_cases = public.public_case_queryset().values("pk")
    attachment = (
        Attachment.objects.filter(token=token, kind="report", case__in=public_cases)
        .only("file", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=attachment.content_type)
