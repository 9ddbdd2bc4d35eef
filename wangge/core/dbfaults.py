"""A database that is away or busy answers in words, never with a 500 or a hang.

Two kinds of trouble reach a request as ``OperationalError``/``InterfaceError``:

- **busy**: the row or table the request needs is locked by another session longer than
  ``WANGGE_DB_LOCK_TIMEOUT_MS``, a statement ran past ``WANGGE_DB_STATEMENT_TIMEOUT_MS``,
  a deadlock or a serialization failure (SQLite: "database is locked");
- **unavailable**: the connection failed or broke (PostgreSQL restarting, shutting down,
  out of connections, the network).

Both are answered 503 with ``Retry-After``: under ``/api/`` with the API's error list
``{"detail": [{"loc", "msg", "type"}]}`` (type ``busy`` or ``db_unavailable``), elsewhere
with a short page that needs neither the session nor the database. Nothing was saved (the
transaction rolled back), so a retry with the same Idempotency-Key lands once, and the
phone app's outbox keeps the record and sends it again (it resends on any 5xx).

``DatabaseTroubleMiddleware`` answers for views; ``web.errors.server_error`` (handler500)
asks ``trouble_response`` too, for trouble raised in middleware (session, user), and
``core.middleware.bad_request`` (handler400) for the session that could not be saved.
"""

import logging
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"
BUSY = "busy"
UNAVAILABLE = "db_unavailable"
# PostgreSQL SQLSTATEs of a busy database: lock_not_available, query_canceled (statement
# timeout), deadlock_detected, serialization_failure.
BUSY_STATES = {"55P03", "57014", "40P01", "40001"}
RETRY_AFTER = {BUSY: 2, UNAVAILABLE: 5}


@contextmanager
def brief_lock_wait(milliseconds: int):
    """Inside a transaction on PostgreSQL, row locks taken in the block wait at most
    ``milliseconds`` (then 55P03, answered "busy" above); the connection's own lock timeout
    is back for the rest of the transaction. Elsewhere (SQLite, 0) a no-op."""
    if milliseconds <= 0 or connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(milliseconds)}ms"])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")


def _sqlstate(exc) -> str | None:
    seen = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if state:
            return state
        seen = seen.__cause__
    return None


def db_trouble(exc) -> str | None:
    """``BUSY``, ``UNAVAILABLE`` or None (not a database fault)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    state = _sqlstate(exc)
    if state in BUSY_STATES or (state is None and "database is locked" in str(exc)):
        return BUSY
    return UNAVAILABLE


def fault_behind(exc):
    """The database fault ``exc`` was raised while handling (its cause or context), or
    None: Django's session middleware turns a database that went away while it saved the
    session into ``SessionInterrupted``, a "bad request" (400) unless answered here."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if db_trouble(exc) is not None:
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _message(kind: str) -> str:
    if kind == BUSY:
        return _("该记录正在被他人处理，系统繁忙，请稍后重试；您刚才的操作没有保存。")
    return _("系统暂时无法连接数据库，请稍后重试；您刚才提交的内容没有保存。")


def trouble_response(request, exc) -> HttpResponse | None:
    """The 503 answer to a database fault, or None when ``exc`` is something else."""
    kind = db_trouble(exc)
    if kind is None:
        return None
    logger.warning("database %s on %s %s: %s", kind, request.method, request.path, exc)
    message = _message(kind)
    if (request.path_info or "").startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": [{"loc": [], "msg": message, "type": kind}]},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = render_to_string("db_trouble.html", {"busy": kind == BUSY, "message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER[kind])
    response["Cache-Control"] = "no-store"
    return response


class DatabaseTroubleMiddleware:
    """A view's database fault becomes the 503 answer above (early in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return trouble_response(request, exception)
