"""The Content-Security-Policy (no inline script or style, no eval, own origin only) is one
the pages really pass: a real browser reports no violation on them, signed in or not."""

import pytest

from wangge.areas.models import Area
from wangge.testing import Role, build_city, make_household, make_resident, make_user

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"

WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def _visit(page, url: str, browser_log) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert response.headers.get("content-security-policy"), url
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__csp")
    reported = [text for text in browser_log.console_errors if "Content Security Policy" in text]
    return [f"{url}: {text}" for text in violations + reported]


def test_pages_pass_the_content_security_policy(page, login, base_url, browser_log):
    # given a small city, a household with a resident, and staff of several kinds
    build_city(districts=1, streets=1, communities=1, grids=2)
    community = Area.objects.get(kind="community")
    district = Area.objects.get(kind="district")
    grid = Area.objects.filter(kind="grid").first()
    household = make_household(grid)
    resident = make_resident(household)
    make_user(Role.COMMUNITY_STAFF, community, username="shequ")
    make_user(Role.DISTRICT_OFFICER, district, username="quji")
    page.add_init_script(WATCH_VIOLATIONS)
    found: list[str] = []

    # when anonymous visitors open the public pages
    for path in ("/login/", "/cases/report/", "/cases/track/"):
        found += _visit(page, base_url + path, browser_log)

    # and community staff work through the registry, cases, the grid app and the admin
    login(page, "shequ", PASSWORD)
    for path in (
        "/",
        "/residents/",
        f"/residents/{resident.pk}/",
        "/households/",
        f"/households/{household.pk}/",
        "/cases/",
        "/patrols/app/",
        "/admin/",
        "/api/docs",
    ):
        found += _visit(page, base_url + path, browser_log)
    # and switch the language, which no inline handler does any more
    page.goto(base_url + "/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    found += [text for text in page.evaluate("window.__csp")]

    # and a district officer opens the dashboards, the map and the command screen
    page.context.clear_cookies()
    login(page, "quji", PASSWORD)
    for path in (
        "/dashboard/",
        f"/dashboard/{district.code}/",
        f"/dashboard/{district.code}/map/",
        f"/dashboard/{district.code}/screen/",
    ):
        found += _visit(page, base_url + path, browser_log)

    # then the browser reported no violation anywhere
    assert found == []
