"""The grid worker app in English: the words the script writes come from the page's
dictionary, also offline (the service worker serves the cached page)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_grid_app import PASSWORD, app_world, record_visit_offline  # noqa: F401

pytestmark = pytest.mark.browser


def test_app_in_english_writes_english_also_offline(phone_page, login, base_url, app_world):  # noqa: F811
    page = phone_page
    # given the worker chose English (the language cookie /i18n/setlang/ sets)
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "domain": urlsplit(base_url).hostname,
          "path": "/"}]
    )
    login(page, "wangfang", PASSWORD)
    page.goto(f"{base_url}/patrols/app/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    expect(page.locator("#list-overdue li[data-household]")).to_have_count(2)
    expect(page.locator("#patrol-start")).to_have_text("Start patrol")

    # when the phone goes offline and the worker records a visit
    page.context.set_offline(True)
    expect(page.locator("#net")).to_have_text("Offline")
    record_visit_offline(page, app_world.first, "All well")

    # then the app's own words are English
    expect(
        page.locator(f"#list-overdue li[data-household='{app_world.first.pk}'] .badge")
    ).to_have_text("Recorded · waiting to sync")
    # and stay English after a reload from the cache
    page.reload()
    expect(page.locator("[data-tab=outbox]")).to_contain_text("To sync")
    expect(page.locator("#net")).to_have_text("Offline")
