"""The patrol pages and the grid worker app in English (chosen with /i18n/setlang/)."""

import json
import re
from pathlib import Path

from django.test import Client

from wangge.audit.labels import action_choices
from wangge.patrols.app_strings import APP_STRINGS

APP_JS = Path(__file__).resolve().parents[1] / "static" / "patrols" / "app.js"


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_every_text_the_app_script_looks_up_is_in_the_catalogue_list():
    # given the texts app.js passes to t("…")
    source = APP_JS.read_text()
    looked_up = {json.loads(m) for m in re.findall(r'\bt\(("(?:[^"\\]|\\.)*")', source)}

    # then each is listed for makemessages (and nothing listed is unused)
    assert looked_up == set(APP_STRINGS)


def test_app_page_carries_its_words_in_english(world):
    # when the grid worker opens the app in English
    response = english(world.worker_a).get("/patrols/app/")

    # then the page's own text and the script's dictionary are English
    html = response.content.decode()
    words = json.loads(re.search(r'id="app-strings"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert '<html lang="en">' in html
    assert "<title>Grid worker app</title>" in html
    assert words["开始巡查"] == "Start patrol"
    assert words["逾期{0}天"] == "{0} days overdue"


def test_app_page_in_chinese_carries_no_dictionary(world):
    # when the grid worker opens the app in the default language
    client = Client()
    client.force_login(world.worker_a)
    html = client.get("/patrols/app/").content.decode()

    # then app.js falls back to its Chinese texts
    assert '<script id="app-strings" type="application/json">{}</script>' in html
    assert "<title>网格员工作台</title>" in html


def test_overview_and_track_replay_in_english(world, june_calendar):
    # when community staff open the supervisor pages in English
    client = english(world.staff)
    overview = client.get("/patrols/").content.decode()
    tracks = client.get(f"/patrols/tracks/?worker={world.worker_a.pk}")

    # then
    assert "Duty performance" in overview
    assert "By grid worker" in overview
    assert "履职情况" not in overview
    assert tracks.context["config"]["strings"]["play"] == "▶ Play"


def test_audit_action_filter_in_english(world):
    # given English is active
    from django.utils import translation

    with translation.override("en"):
        # when the audit page's action filter is built
        groups = dict(action_choices()[1:])

    # then the groups and the labels read in English
    accounts = dict(groups["Accounts & permissions"])
    assert accounts["login_failed"] == "Sign-in failed"
    assert dict(groups["Audit"])["update"] == "Update"
