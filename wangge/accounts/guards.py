"""The page guard every server-rendered view uses (the shell's and every domain's)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from wangge.accounts.ratelimit import RateLimited
from wangge.audit.services import audit_access_denied
from wangge.core.errors import NotFoundOrForbidden


def guarded(predicate=None):
    """Login required; a failed predicate or an out-of-scope object answers 404/403 and is
    audited as a denial."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if predicate is not None and not predicate(request.user):
                audit_access_denied(request)
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbidden as exc:
                audit_access_denied(request)
                raise Http404(exc.message) from exc
            except RateLimited as exc:
                return rate_limited_response(request, exc)

        return wrapper

    return decorator


def rate_limited_response(request, exc: RateLimited) -> HttpResponse:
    """429 with the reason; htmx swaps only 2xx answers, so it gets the message as 200."""
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_rate_limited.html", {"message": exc.message})
    return render(request, "accounts/rate_limited.html", {"message": exc.message}, status=429)
