"""Error pages in the site's layout and in Chinese: 403, 404, 500 and CSRF failures.

Django's own pages are English, and with DEBUG on they list every URL; these replace them
(config/urls.py handler403/404/500, settings.CSRF_FAILURE_VIEW). The 500 page must render
even when the error came from the layout itself, so it falls back to a plain page.
"""

import logging
import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from wangge.core.dbfaults import trouble_response

log = logging.getLogger(__name__)

PLAIN_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>系统出错</title></head><body><h1>系统出错</h1>"
    "<p>服务器处理请求时出错，已记录。请稍后重试；如果问题持续，请联系系统管理员。</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database that is away or busy (raised in middleware: the session, the user) is
    # answered 503 in words, as in views (wangge.core.dbfaults).
    trouble = trouble_response(request, sys.exc_info()[1])
    if trouble is not None:
        return trouble
    try:
        body = render_to_string("500.html", request=request)
    except Exception:  # the layout itself failed: still answer in words
        log.exception("the 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """The form was open too long, cookies are off, or the page came from elsewhere."""
    return render(request, "403_csrf.html", status=403)
