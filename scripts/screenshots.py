"""Screenshots of every page a few demo users can open, at desktop and phone sizes.

Starts nothing itself: point it at a running server, e.g.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python manage.py runserver 127.0.0.1:8010
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8010

Uses Debian's Chromium (never a downloaded browser). PNGs go to screenshots/ (gitignored),
named <user>-<page>-<size>.png. Any request that would leave 127.0.0.1 is blocked and listed.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "wide": {"viewport": {"width": 1920, "height": 1080}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
DEFAULT_USERS = "gridworker,community,street,district,city,auditadmin,secadmin,department"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Pages reached by clicking on from a list page: list path -> [(selector, page name)], in order.
CLICK_THROUGH = {
    "/residents/": [
        ("#rows tbody tr td a", "resident-detail"),
        (".page-head a.btn-primary", "resident-form"),
    ],
    "/households/": [
        ("table tbody tr td a", "household-detail"),
        (".page-head a.btn-primary", "household-form"),
    ],
}


def slug(path: str) -> str:
    path = urlsplit(path).path.strip("/")
    return re.sub(r"[^\w]+", "-", path).strip("-") or "home"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


class Shooter:
    def __init__(self, browser, base_url: str, out: Path, admin: bool, full_page: bool = True):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.out = out
        self.admin = admin
        self.full_page = full_page
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.too_wide: list[str] = []
        self.saved = 0

    def new_page(self, size: str) -> Page:
        context = self.browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", **SIZES[size]
        )
        context.set_default_timeout(15_000)
        context.route("**/*", self._route)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
            ),
        )
        return page

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort("blockedbyclient")

    def shoot(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            self.too_wide.append(f"{name}: {wide}px wider than the window")
        path = self.out / f"{name}.png"
        if self.full_page:
            # Grow the window to the page's height rather than stitching a full-page shot,
            # so that the fixed top bar and sidebar are drawn as a user sees them.
            size = page.viewport_size
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
            page.screenshot(path=str(path))
            page.set_viewport_size(size)
        else:
            page.screenshot(path=str(path))
        self.saved += 1
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def login(self, page: Page, username: str, password: str) -> bool:
        page.goto(f"{self.base_url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        return not page.url.rstrip("/").endswith("/login")

    def anonymous(self, size: str) -> None:
        page = self.new_page(size)
        try:
            page.goto(f"{self.base_url}/login/")
            self.shoot(page, f"anonymous-login-{size}")
            page.fill("#id_username", "nobody")
            page.fill("#id_password", "wrong-password")
            with page.expect_navigation():
                page.click("form button[type=submit]")
            self.shoot(page, f"anonymous-login-error-{size}")
        finally:
            page.context.close()

    def user(self, username: str, password: str, size: str) -> None:
        page = self.new_page(size)
        try:
            if not self.login(page, username, password):
                print(f"  login failed for {username}", file=sys.stderr)
                return
            self._pages_of(page, username, size)
        finally:
            page.context.close()

    def _pages_of(self, page: Page, username: str, size: str) -> None:
        links = page.eval_on_selector_all(".sidebar a", "els => els.map(e => e.pathname)")
        if not self.admin:
            links = [link for link in links if not link.startswith("/admin/")]
        for path in dict.fromkeys(links):
            page.goto(f"{self.base_url}{path}")
            self.shoot(page, f"{username}-{slug(path)}-{size}")
            for selector, name in CLICK_THROUGH.get(path, []):
                if not page.locator(selector).count():
                    break
                with page.expect_navigation():
                    page.locator(selector).first.click()
                self.shoot(page, f"{username}-{name}-{size}")
        if size == "phone":
            page.goto(f"{self.base_url}/")
            page.locator(".nav-button").tap()
            page.wait_for_timeout(300)
            self.shoot(page, f"{username}-menu-open-{size}")


def retrying(step, *args, attempts: int = 3) -> None:
    """A development server restarts whenever a file changes; try a step again then."""
    for attempt in range(1, attempts + 1):
        try:
            step(*args)
            return
        except PlaywrightError as exc:
            if attempt == attempts:
                raise
            print(f"  retrying after: {str(exc).splitlines()[0]}", file=sys.stderr)
            time.sleep(3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8010")
    parser.add_argument("--users", default=DEFAULT_USERS, help="comma-separated usernames")
    parser.add_argument("--password", default="Wangge@2026", help="the demo password")
    parser.add_argument("--sizes", default="desktop,phone")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--admin", action="store_true", help="also shoot /admin/ pages")
    parser.add_argument("--viewport", action="store_true", help="only the visible part of a page")
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        shooter = Shooter(browser, args.base_url, out, args.admin, full_page=not args.viewport)
        for size in args.sizes.split(","):
            print(f"{size}:")
            retrying(shooter.anonymous, size)
            for username in filter(None, args.users.split(",")):
                retrying(shooter.user, username.strip(), args.password, size)
        browser.close()
    print(f"{shooter.saved} screenshots in {out}")
    for url in dict.fromkeys(shooter.external):
        print(f"BLOCKED external request: {url}", file=sys.stderr)
    for line in shooter.too_wide:
        print(f"page scrolls sideways: {line}", file=sys.stderr)
    for error in dict.fromkeys(shooter.console_errors):
        print(f"console error: {error}", file=sys.stderr)
    return 1 if shooter.external else 0


if __name__ == "__main__":
    sys.exit(main())
