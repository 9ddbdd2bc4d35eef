"""The client IP behind the reverse proxy: one helper, a configurable trusted header."""

import pytest
from django.test import RequestFactory

from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record, client_ip

PROXY = "10.0.0.5"


def request_from(peer: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_without_a_configured_header_the_peer_address_is_the_client(settings):
    # given the default settings and a client that writes its own X-Forwarded-For
    settings.WANGGE_TRUSTED_PROXY_HEADER = ""
    request = request_from("203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    # then the forged header is ignored
    assert client_ip(request) == "203.0.113.9"


def test_behind_the_trusted_proxy_the_header_names_the_client(settings):
    # given one reverse proxy that appends the address it saw
    settings.WANGGE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.WANGGE_TRUSTED_PROXY_COUNT = 1
    settings.WANGGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # when a client forges an entry in front of the proxy's
    request = request_from(PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    # then the proxy's entry (the rightmost) is the client, not the forged one
    assert client_ip(request) == "198.51.100.7"


def test_two_proxies_count_two_entries_from_the_right(settings):
    settings.WANGGE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.WANGGE_TRUSTED_PROXY_COUNT = 2
    settings.WANGGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from(PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7, 10.0.0.9")
    assert client_ip(request) == "198.51.100.7"


def test_the_header_is_ignored_from_an_untrusted_peer(settings):
    # given the proxy's header configured, and a request that bypassed the proxy
    settings.WANGGE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.WANGGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    # then the peer is the client
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("X-Real-IP", "198.51.100.8", "198.51.100.8"),
        ("X-Forwarded-For", "", PROXY),
        ("X-Forwarded-For", "not-an-address", PROXY),
        ("X-Forwarded-For", "198.51.100.8:51234", "198.51.100.8"),
        ("X-Forwarded-For", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_other_headers_ports_and_garbage(settings, header, value, expected):
    settings.WANGGE_TRUSTED_PROXY_HEADER = header
    settings.WANGGE_TRUSTED_PROXIES = ["*"]
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    assert client_ip(request_from(PROXY, **{meta_key: value})) == expected


def test_audit_rows_record_the_client_behind_the_proxy(db, settings):
    # given the documented reverse proxy on the same machine
    settings.WANGGE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.WANGGE_TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    # when something is audited
    event = audit_record(action="login_failed", username="x", request=request)
    # then the row names the client, not the proxy
    assert AuditEvent.objects.get(pk=event.pk).ip == "198.51.100.20"
