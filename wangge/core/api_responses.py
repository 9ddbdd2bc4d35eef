"""Answers whose body is already the response schema's JSON."""

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

_renderer = JSONRenderer()


def prevalidated_response(request, status_and_body: tuple[int, dict]) -> HttpResponse:
    """Render ``(status, body)`` as ninja would, without validating the body again: the
    caller built it through the schema (``CaseDetailOut``), or it is the stored first
    answer of an idempotent replay. The OpenAPI schema still comes from the route."""
    status, body = status_and_body
    return HttpResponse(
        _renderer.render(request, body, response_status=status),
        status=status,
        content_type=_renderer.media_type + "; charset=utf-8",
    )
