"""Error pages speak Chinese in the site's layout, for visitors and staff alike."""

import subprocess
import sys

import pytest
from django.test import Client, RequestFactory

from wangge.accounts.models import Role
from wangge.testing import grids, make_user
from wangge.web import errors


def test_404_for_a_visitor_is_the_sites_page_in_chinese(client, db):
    # when a visitor opens a page that does not exist
    response = client.get("/no-such-page/")
    # then the answer is our page, not Django's
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或您无权访问" in body and "返回首页" in body
    assert "Page not found" not in body and "URLconf" not in body


def test_404_for_a_grid_worker_outside_their_scope_keeps_the_layout(client, city):
    # given a grid worker of one grid
    own, other = grids()[0], grids()[1]
    client.force_login(make_user(Role.GRID_WORKER, own))
    # when they follow a link to a household page of another grid's area
    response = client.get("/cases/999999/")
    # then the layout (menu, sign-out) and the Chinese message are there
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或您无权访问" in body and "退出" in body and "返回工作台" in body
    assert other.name not in body


def test_csrf_failure_explains_what_to_do(db):
    # given a browser whose form token is missing
    client = Client(enforce_csrf_checks=True)
    # when it posts the sign-in form
    response = client.post("/login/", {"username": "x", "password": "y"})
    # then it is told in words
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，请刷新后重新提交" in body
    assert "CSRF verification failed" not in body


def test_500_page_is_in_chinese(db):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = errors.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错，请稍后重试" in body and "返回首页" in body


def test_500_page_falls_back_to_plain_words_when_the_layout_fails(db, monkeypatch):
    # given a layout that cannot render
    def broken(*args, **kwargs):
        raise RuntimeError("template error")

    monkeypatch.setattr(errors, "render_to_string", broken)
    # when an error page is needed
    response = errors.server_error(RequestFactory().get("/"))
    # then the plain page answers
    assert response.status_code == 500
    assert "服务器处理请求时出错" in response.content.decode()


@pytest.mark.parametrize("debug_env, debug", [(None, False), ("1", True)])
def test_the_demo_runs_with_debug_off_and_hashed_static_names(debug_env, debug):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if debug_env:
        env["DJANGO_DEBUG"] = debug_env
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == str(debug)
    assert (out[1] == "whitenoise.storage.CompressedManifestStaticFilesStorage") is not debug
