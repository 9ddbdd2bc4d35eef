"""The bell, the notice list, marking read, preferences and the outbox page."""

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.core import clock
from wangge.notifications.models import Delivery, Notice, Preference
from wangge.testing import make_user

pytestmark = pytest.mark.django_db


def _notice(user, key, **extra):
    return Notice.objects.create(
        key=key,
        recipient=user,
        kind="dispatch",
        title=f"通知 {key}",
        link="/cases/",
        created_at=clock.now(),
        **extra,
    )


def test_bell_shows_the_unread_count_and_the_list_shows_notices(client):
    user = make_user(Role.SYSTEM_ADMIN, username="bell")
    _notice(user, "a"), _notice(user, "b"), _notice(user, "c", read_at=clock.now())
    _notice(make_user(username="someone"), "d")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert '<span class="bell-count" data-bell-count>2</span>' in page
    assert page.count("data-notice") == 3
    assert "通知 d" not in page


def test_mark_read_and_read_all(client):
    user = make_user(username="reader")
    first, second = _notice(user, "a"), _notice(user, "b")
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client.post(reverse("notifications:read_all"))
    assert not Notice.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_open_marks_read_and_follows_the_link(client):
    user = make_user(username="opener")
    notice = _notice(user, "a")
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/"


def test_someone_elses_notice_cannot_be_marked(client):
    owner, other = make_user(username="owner"), make_user(username="other")
    notice = _notice(owner, "a")
    client.force_login(other)
    response = client.post(reverse("notifications:read", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_preferences_need_a_phone_for_sms(client, settings):
    settings.WANGGE_NOTIFY_CONSOLE = True
    user = make_user(username="prefs")
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"channels": ["sms"], "phone": ""})
    assert "选择短信时请填写手机号" in response.content.decode()
    assert not Preference.objects.filter(user=user).exists()
    response = client.post(
        reverse("notifications:preferences"),
        {"channels": ["sms", "wecom", "bogus"], "phone": "139-1234-5678"},
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=user)
    assert preference.channels == ["sms", "wecom"]
    assert preference.phone == "13912345678" and "1391234" not in preference.phone_enc
    assert AuditEvent.objects.filter(action="notice_preference_update", actor=user).count() == 1


def test_outbox_is_for_system_administrators_only(client):
    admin = make_user(Role.SYSTEM_ADMIN, username="sysadmin")
    worker = make_user(username="worker")
    notice = _notice(worker, "a")
    failed = Delivery.objects.create(
        notice=notice,
        channel="wecom",
        status="failed",
        attempts=5,
        last_error="HTTP 502",
        created_at=clock.now(),
    )
    client.force_login(worker)
    assert client.get(reverse("notifications:outbox")).status_code == 404
    assert client.post(reverse("notifications:outbox_retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == "failed"
    client.force_login(admin)
    page = client.get(reverse("notifications:outbox") + "?status=failed").content.decode()
    assert "HTTP 502" in page and 'data-delivery="failed"' in page
    client.post(reverse("notifications:outbox_retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)  # queued after the commit
    assert AuditEvent.objects.filter(action="notice_delivery_retry", actor=admin).count() == 1
