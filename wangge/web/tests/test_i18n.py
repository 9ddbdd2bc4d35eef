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
