"""The case pages the English crawl (tests/integration/test_english.py) cannot reach from
links — the tracking page of a resolved case with its rating form, the case page with its
action forms in each state — show no Chinese interface text in English. Chinese that comes
from the data (names, category, area, what people wrote) is removed first."""

import pytest

from tests.integration import test_english as english_check
from wangge.testing.cases import CaseFactory

# The shell's own words (language switch, brand) are the shell's business, not these pages'.
SHELL = {"简体中文", "网"}
# Area kinds ("社区/村/嘎查 · …" in the unit choices) are the areas app's words.
AREA_KINDS = {"社区", "村", "嘎查", "网格", "街道", "镇", "苏木", "区", "旗", "县", "市", "微网格"}


def interface_chinese(html: str) -> set[str]:
    return set(english_check.interface_chinese(html, english_check.data_strings())) - SHELL - AREA_KINDS


@pytest.fixture
def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize("state", ["reported", "dispatched", "in_progress", "resolved"])
def test_case_page_in_english_has_no_chinese_interface_text(english, world, state):
    # given
    case = CaseFactory.build(world, state)
    users = {"reported": world.community_staff, "dispatched": world.handler,
             "in_progress": world.handler, "resolved": world.community_staff}
    english.force_login(users[state])
    # when
    page = english.get(f"/cases/{case.pk}/").content.decode()
    # then
    assert 'id="actions"' in page
    assert interface_chinese(page) == set()


def test_tracking_page_of_a_resolved_case_in_english_has_no_chinese_interface_text(english, world):
    # given
    case = CaseFactory.resolved(world)
    # when
    page = english.get(f"/cases/track/{case.token}/?new=1").content.decode()
    # then
    assert 'id="evaluate"' in page
    assert interface_chinese(page) == set()
