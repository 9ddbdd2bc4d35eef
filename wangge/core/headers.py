"""Response headers for every answer the app (not WhiteNoise's static files) gives.

- ``Cache-Control: private, no-store`` (Django's never-cache set): anything a signed-in
  user sees or any API answer may carry personal data (reveals, resident and household
  pages, exports, the offline app's data), so no browser cache, proxy or back button keeps
  it. Anonymous pages get the same unless their view declares a public cache itself.
- ``Content-Security-Policy``: the app's own scripts, styles, images and connections only —
  nothing inline, no eval, no foreign origin except the configured map tile server.
  ``WANGGE_CSP`` replaces the whole policy when set.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import add_never_cache_headers

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def tile_origin(url_template: str) -> str:
    """The origin of a tile URL template, ``{s}`` subdomains as a wildcard."""
    parts = urlsplit(url_template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}.", "*.")
    if "{" in host:
        return ""
    return f"{parts.scheme}://{host}"


def content_security_policy() -> str:
    if settings.WANGGE_CSP:
        return settings.WANGGE_CSP
    policy = {name: list(values) for name, values in BASE_POLICY.items()}
    origin = tile_origin(settings.WANGGE_MAP_TILE_URL)
    if origin:
        policy["img-src"].append(origin)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        declared = response.get("Cache-Control", "")
        if (
            signed_in
            or request.path.startswith(("/api/", "/open311/"))
            or (not declared or "private" in declared)
        ):
            # add_never_cache_headers keeps a stale max-age; drop whatever was there first
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(response)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response
