from wangge.accounts.models import Role
from wangge.testing import make_user


def test_chinese_by_default_and_english_on_request(client, city):
    client.force_login(make_user(Role.COMMUNITY_STAFF, city))
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "网格化基层治理平台" in chinese and "居民" in chinese
    # when the user switches language
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    # then the layout and navigation are English
    assert "Grid Governance Platform" in english and "Residents" in english
    assert "Sign out" in english


def test_visitors_get_a_language_switch_whose_names_are_never_translated(client, db):
    # given a visitor on the login page
    page = client.get("/login/").content.decode()
    # then the public layout offers the language switch, each language named in itself
    assert 'action="/i18n/setlang/"' in page
    assert 'lang="zh-hans" translate="no">简体中文</option>' in page
    assert 'lang="en" translate="no">English</option>' in page
    assert '<span class="brand-mark big" translate="no">网</span>' in page
    # when the visitor switches to English
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    english = client.get("/login/").content.decode()
    # then the login page is English
    assert "Sign in" in english and "登录" not in english
    assert "For authorised staff only" in english


def test_error_pages_and_pagination_in_english(client, city):
    client.force_login(make_user(Role.COMMUNITY_STAFF, city))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    missing = client.get("/residents/999999/").content.decode()
    assert "The page does not exist or you may not see it" in missing
    assert "页面不存在" not in missing
