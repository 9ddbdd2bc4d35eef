"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
live server.

- The browser is always /usr/bin/chromium (override with WANGGE_CHROMIUM). Never a downloaded
  browser, never `playwright install`. A missing browser FAILS the test run, it never skips.
- A test asks for `base_url` (the live server; it brings `transactional_db`, so data created
  in the test is committed and visible to the server thread), `page` (desktop) or `phone_page`,
  and `login`. Do not add a `django_db` marker: the fixtures set the database up themselves.
  The pages close, and the server finishes what they sent, before the database is flushed.
- Every request a page makes is recorded in `browser_log`; a request to any host other than
  127.0.0.1/localhost is blocked, and the test fails at teardown if one was attempted.
"""

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1366, "height": 860}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that never touch the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-error"})
DEFAULT_TIMEOUT_MS = 10_000
FAILURE_DIR = Path(__file__).resolve().parents[2] / "test-results"


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


@dataclass
class BrowserLog:
    """What the pages of one test did: every request URL, failed responses, console errors."""

    requests: list[str] = field(default_factory=list)
    failed_responses: list[tuple[int, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                self.failed_responses.append((response.status, response.url))
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local_url(url)]

    def assert_no_external_requests(self) -> None:
        """The proof that no request leaves 127.0.0.1 (no CDN, no web font, no tiles)."""
        assert self.external_requests() == [], "requests left 127.0.0.1/localhost"

    def assert_no_console_errors(self) -> None:
        assert self.console_errors == [], "console errors"
        assert self.page_errors == [], "uncaught page errors"

    def assert_loaded(self, path_fragment: str) -> None:
        """A request whose URL contains `path_fragment` was made and did not fail."""
        made = [url for url in self.requests if path_fragment in url]
        assert made, f"no request for {path_fragment}"
        failed = [url for status, url in self.failed_responses if path_fragment in url]
        assert failed == [], f"{path_fragment} failed to load"


def _route_local_only(route) -> None:
    if is_local_url(route.request.url):
        route.continue_()
    else:
        route.abort("blockedbyclient")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium); browser tests never download a browser",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class _LiveHandler:
    """WSGI static handler for the live server that knows how many requests are in flight.

    A test's pages are closed before its database is flushed, but the server thread may still
    be answering a request a page sent just before (the phone app's outbox, say); a flush
    running beside it fails or leaves rows behind for the next test. `wait_idle` lets the
    teardown wait for that request to end.

    With SQLite in memory the server's request threads and the test share one connection,
    and two requests using it at once can hang (seen with a service worker fetching in
    parallel); then only the Django part of the requests runs one at a time (`serial`).
    Requests still arrive in parallel and keep-alive keeps working."""

    serial = False
    _serial_lock = threading.Lock()
    _idle = threading.Condition()
    _in_flight = 0

    def __init__(self, application):
        from django.contrib.staticfiles.handlers import StaticFilesHandler

        self._handler = StaticFilesHandler(application)

    def __call__(self, environ, start_response):
        cls = type(self)
        with cls._idle:
            cls._in_flight += 1
        try:
            if cls.serial:
                with cls._serial_lock:
                    return self._handler(environ, start_response)
            return self._handler(environ, start_response)
        finally:
            with cls._idle:
                cls._in_flight -= 1
                cls._idle.notify_all()

    @classmethod
    def wait_idle(cls, timeout: float = 15.0) -> bool:
        with cls._idle:
            return cls._idle.wait_for(lambda: cls._in_flight == 0, timeout=timeout)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server (same address rules), serialised for in-memory SQLite."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    _LiveHandler.serial = bool(server.thread.connections_override)
    server.thread.static_handler = _LiveHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture
def base_url(transactional_db, django_db_serialized_rollback, live_server) -> str:
    """The live server's root URL, without a trailing slash. Serialized rollback restores
    the rows the migrations created (default care tags…) that the flush removes.

    The pages depend on this fixture, so they are closed before it ends; it then waits for
    the server to finish any request they left in flight, and only then is the database
    flushed."""
    yield live_server.url.rstrip("/")
    assert _LiveHandler.wait_idle(), "the live server was still answering a request"


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def _new_page(browser, options: dict, log: BrowserLog, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.route("**/*", _route_local_only)
    page = context.new_page()
    log.attach(page)
    page.on("dialog", lambda dialog: log.dialogs.append(dialog.message))
    return context, page


def _finish(context, page, log: BrowserLog, request, suffix: str) -> None:
    report = getattr(request.node, "_report_call", None)
    if report is not None and report.failed:
        FAILURE_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(FAILURE_DIR / f"{name}-{suffix}.png"), full_page=True)
    context.close()
    log.assert_no_external_requests()


@pytest.fixture
def page(browser, browser_log, request, base_url):
    """A desktop-sized page (1366×860)."""
    context, page = _new_page(browser, DESKTOP, browser_log, request)
    yield page
    _finish(context, page, browser_log, request, "desktop")


@pytest.fixture
def phone_page(browser, browser_log, request, base_url):
    """A phone-sized page (390×844, mobile, touch)."""
    context, page = _new_page(browser, PHONE, browser_log, request)
    yield page
    _finish(context, page, browser_log, request, "phone")


@pytest.fixture
def login(base_url) -> Callable:
    """login(page, username, password): submit the login form and wait for the next page."""

    def do_login(page, username: str, password: str):
        page.goto(f"{base_url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if "/account/otp/" in page.url:
            # the role needs the second factor: enter the code of the user's device
            from wangge.accounts.models import User
            from wangge.testing import otp_device_ensure, otp_token

            device = otp_device_ensure(User.objects.get(username=username))
            page.fill("#id_token", otp_token(device))
            with page.expect_navigation():
                page.click("#otp-form button[type=submit]")
        return page

    return do_login
