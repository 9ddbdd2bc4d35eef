"""Every page every role reaches, at phone size: nothing wider than the phone, and no
serious or critical accessibility violation (axe-core from npm, served by the app).

The pages are found, not listed: for each role the test signs in, opens the front page and
follows the links it finds (the menu, the tables' first rows, tabs and filters), one page of
each shape (/cases/12/ and /cases/13/ are one shape). So a new module's pages are checked
as soon as a menu links to them.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

PASSWORD = "Wangge@2026"
ROLES = ["gridworker", "community", "street", "department", "district", "city", "orgdept",
         "resident", "sysadmin", "secadmin", "auditadmin", "partysec", "partystaff",
         "trainingofficer", "cadre", "wuye", "employment", "stationkeeper", "financeofficer",
         "financeassistant"]
# Not pages of ours, or not pages: the Django admin (its own layout), downloads, the API,
# the offline app's service worker files, sign-out and language switching.
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n|logout|account/logout)(/|$)|\.(xlsx|docx|csv|json|js|png)$"
    r"|/(export|download|template)(/|$)|[?&](format|export)="
)
MAX_PAGES_PER_ROLE = 40


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def overflow(page) -> str:
    """'' when the page fits; else how much wider and the outermost elements that stick out."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const extra = document.documentElement.scrollWidth - width;
          if (extra <= 0) { return ""; }
          const out = [...document.querySelectorAll("body *")].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > width + 1 && !(e.parentElement &&
              e.parentElement.getBoundingClientRect().right > width + 1);
          }).slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
            (e.className && typeof e.className === "string" ? "." + e.className.trim()
              .split(/\\s+/).join(".") : ""));
          return extra + "px wider than the phone: " + out.join(", ");
        }"""
    )


def axe_violations(page) -> list[str]:
    page.add_script_tag(url="/static/vendor/axe.min.js")
    page.wait_for_function("() => typeof window.axe !== 'undefined'")
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r =>
             r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
               .map(v => v.id + ' (' + v.impact + '): ' +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"""
    )
    return result


@pytest.fixture
def demo_city(base_url, settings):
    # A live-server test's flush removes the rows migrations seeded (categories, SLA
    # defaults, the calendar), and serialized rollback does not always bring them back.
    from importlib import import_module

    from django.apps import apps

    from wangge.cases.models import Category

    if not Category.objects.exists():
        import_module("wangge.cases.migrations.0002_seed_categories_sla_calendar").seed(apps, None)
    settings.WANGGE_DEMO = True
    settings.WANGGE_MAP_TILE_URL = ""
    call_command("generate_city", scale=0.0002, seed=42, districts="150203", verbosity=0)
    call_command("generate_activity", seed=42, days=14, verbosity=0)
    call_command("demo_logins", verbosity=0)
    return base_url


def crawl(page, base_url: str, start: str, dead_links: list[str]):
    """Pages reached from ``start``; a link that answers 404 is noted in ``dead_links``
    (a page must not offer a link its reader may not follow)."""
    seen_shapes, visited, queue = set(), [], [(start, "")]
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        path, source = queue.pop(0)
        if SKIP.search(path) or shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        try:
            response = page.goto(base_url + path)
        except PlaywrightError as exc:  # a download, not a page
            assert "Download is starting" in str(exc)
            continue
        if response is not None and response.status == 404:
            dead_links.append(f"{source} → {path}")
            continue
        if response is None or response.status != 200 or "text/html" not in (
            response.headers.get("content-type", "")
        ):
            continue
        visited.append(path)
        yield path
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if shape(target) not in seen_shapes:
                queue.append((target, path))


def test_every_page_fits_a_phone_and_passes_axe(phone_page, login, demo_city, browser_log):
    page = phone_page
    problems: list[str] = []
    checked = 0
    for username in [None, *ROLES]:
        page.context.clear_cookies()
        if username:
            login(page, username, PASSWORD)
        dead_links: list[str] = []
        for path in crawl(page, demo_city, "/", dead_links):
            checked += 1
            who = username or "visitor"
            wide = overflow(page)
            if wide:
                problems.append(f"{who} {path}: {wide}")
            for violation in axe_violations(page):
                problems.append(f"{who} {path}: {violation}")
        problems.extend(f"{username or 'visitor'}: dead link {link}" for link in dead_links)
    print(f"checked {checked} pages")
    print("\n".join(problems))
    assert checked > 30
    assert problems == []
