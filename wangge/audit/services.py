import ipaddress

from django.conf import settings

from wangge.audit.models import AuditEvent, Outcome
from wangge.core import clock
from wangge.core.inserts import insert_row


def __getattr__(name):
    # The labels moved to each app's nav.py (AUDIT_LABELS), collected by wangge.audit.labels.
    if name == "ACTION_LABELS":
        from wangge.audit.labels import action_labels

        return action_labels()
    raise AttributeError(name)


def _address(text: str) -> str | None:
    """A bare IP address from one header entry or REMOTE_ADDR (``1.2.3.4``, ``1.2.3.4:80``,
    ``[::1]:80``); None when it is not one."""
    text = (text or "").strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _trusted_peer(address: str | None) -> bool:
    trusted = settings.WANGGE_TRUSTED_PROXIES
    if "*" in trusted:
        return True
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _meta_key(header: str) -> str:
    key = header.strip().upper().replace("-", "_")
    return key if key.startswith("HTTP_") or key == "REMOTE_ADDR" else f"HTTP_{key}"


def client_ip(request) -> str | None:
    """The client's IP address: the one place that decides it (audit rows, report limits,
    login throttling all call this).

    ``REMOTE_ADDR`` unless ``WANGGE_TRUSTED_PROXY_HEADER`` names the header the reverse
    proxy writes (e.g. ``X-Forwarded-For``) and the request came from one of
    ``WANGGE_TRUSTED_PROXIES``. Each of the ``WANGGE_TRUSTED_PROXY_COUNT`` proxies appends the
    address it saw, so the client is that many entries from the right; what a client
    wrote further left is never believed. A missing or malformed header falls back to
    ``REMOTE_ADDR``."""
    if request is None:
        return None
    meta = request.META
    peer = _address(meta.get("REMOTE_ADDR", ""))
    header = settings.WANGGE_TRUSTED_PROXY_HEADER
    if not header or not _trusted_peer(peer):
        return peer
    entries = [item for item in meta.get(_meta_key(header), "").split(",") if item.strip()]
    if not entries:
        return peer
    count = max(1, settings.WANGGE_TRUSTED_PROXY_COUNT)
    # Fewer entries than proxies: the request passed fewer proxies; its first is the client.
    chosen = entries[-count] if len(entries) >= count else entries[0]
    return _address(chosen) or peer


def audit_access_denied(request) -> AuditEvent | None:
    """The denial row of an out-of-scope (or not permitted) request, the same for pages and
    the API: who asked for which path. Anonymous requests are not audited here (a public
    lookup of a wrong token is not a denial; pages send them to the login first)."""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return None
    return audit_record(
        action="access_denied",
        outcome=Outcome.DENIED,
        request=request,
        object_type="page",
        object_id=request.path[:64],
    )


def audit_record(**fields) -> AuditEvent:
    """Write one audit row; the fields are ``audit_event``'s. Never put ID numbers,
    phones or secrets in ``detail``."""
    # Append-only rows without save() logic: the statement is built once (core.inserts).
    return insert_row(audit_event(**fields))


def audit_event(
    *,
    action: str,
    outcome: str = Outcome.SUCCESS,
    actor=None,
    username: str = "",
    request=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict | None = None,
) -> AuditEvent:
    """One audit row, not yet written (``audit_record`` writes it; a hot path may write
    it together with its other rows). Never put ID numbers, phones or secrets in
    ``detail``."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    role = ""
    if actor is not None and getattr(actor, "pk", None):
        from wangge.accounts.permissions import user_roles

        role = ",".join(sorted(user_roles(actor)))
    return AuditEvent(
        at=clock.now(),
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=username or (actor.username if actor is not None else ""),
        role=role[:100],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        ip=client_ip(request),
        detail=detail or {},
    )
