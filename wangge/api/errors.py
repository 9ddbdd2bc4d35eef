"""One error shape for the whole API: a list of {loc, msg, type}, like ninja's own."""

from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused


def application_error_response(api, request, exc: ApplicationError):
    status = 400
    if isinstance(exc, NotFoundOrForbidden):
        status = 404
    elif isinstance(exc, PermissionRefused):
        status = 403
    elif exc.code == "conflict":
        status = 409
    elif exc.code == "idempotency_mismatch":
        status = 422
    elif exc.code == "rate_limited":
        status = 429
    elif exc.code == "storage_full":
        status = 507  # a 5xx: the phone app's outbox keeps the record and resends it
    loc = ["body", exc.field] if exc.field else []
    return api.create_response(
        request, {"detail": [{"loc": loc, "msg": exc.message, "type": exc.code}]}, status=status
    )
