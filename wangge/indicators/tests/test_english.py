"""The dashboards in English: names from ``name_en``, units, the period and the briefing's
summary follow the reader's language; Chinese stays the default."""

import pytest

from wangge.testing import Role, make_user


@pytest.fixture
def english_officer(data, client):
    officer = make_user(Role.CITY_OFFICER, data.city, username="city-officer")
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return officer


def test_dashboard_in_english_shows_english_names_units_and_month(data, english_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/?period=2026-03")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dashboard" in html
    assert "Composite score (pts)" in html
    assert "2026-03" in html
    assert "受理事件数" not in html
    assert "驾驶舱" not in html


def test_briefing_in_english_writes_its_summary_in_english(data, english_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/briefing/?period=2026-03")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "1. Overview" in html
    assert "Compared with last month" in html
    assert "与上月相比" not in html


def test_briefing_downloads_work_in_english(db, client):
    """Switching the page to English never breaks the Word and Excel downloads."""
    from wangge.testing import Role, build_city, make_user

    city = build_city()
    client.force_login(make_user(Role.CITY_OFFICER, city))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for suffix, magic in (("briefing.xlsx", b"PK"), ("briefing.docx", b"PK")):
        response = client.get(f"/dashboard/{city.code}/{suffix}")
        assert response.status_code == 200, suffix
        assert b"".join(response.streaming_content if response.streaming else [response.content])[:2] == magic
