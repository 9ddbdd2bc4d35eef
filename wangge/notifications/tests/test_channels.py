"""Outside channels against real local far ends (SMTP server, webhook receiver), the
outbox's retries, idempotent drafts, and the scope check of every recipient."""

import base64
import hashlib
import hmac
import urllib.parse

import pytest

from wangge.core import crypto
from wangge.notifications import registry
from wangge.notifications.models import Delivery, Notice, Preference
from wangge.notifications.services import (
    DeliveryRetry,
    delivery_send,
    notices_from_drafts,
    outbox_sweep,
)
from wangge.notifications.tasks import deliver
from wangge.testing import make_user

pytestmark = pytest.mark.django_db


def _allow(user, draft):
    return True


def _prefer(user, *channels, phone=""):
    return Preference.objects.create(
        user=user, channels=list(channels), phone_enc=crypto.encrypt(phone)
    )


def _draft(user=None, key="k1", **extra):
    fields = {
        "key": key,
        "kind": "dispatch",
        "title": "案件 001 已派遣",
        "body": "请签收",
        "link": "/cases/1/",
        "recipient": user,
    }
    fields.update(extra)
    return registry.Draft(**fields)


def test_email_goes_through_a_real_smtp_server(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given a handler who chose email
    settings.WANGGE_PUBLIC_BASE_URL = "https://wangge.example.cn"
    user = make_user(username="mailer")
    user.email = "mailer@example.cn"
    user.save()
    _prefer(user, "email")
    # when a notice is written and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    # then the SMTP server received one message with the title and the absolute link
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["to"] == ["mailer@example.cn"]
    assert received["message"]["Subject"] == "[网格] 案件 001 已派遣"
    assert "https://wangge.example.cn/cases/1/" in received["message"].get_content()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")


def test_sms_gateway_gets_phone_text_and_token(
    webhook, settings, django_capture_on_commit_callbacks
):
    settings.WANGGE_SMS_GATEWAY_URL = webhook.url("/sms")
    settings.WANGGE_SMS_GATEWAY_TOKEN = "t0ken"
    user = make_user(username="texter")
    _prefer(user, "sms", phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    [request] = webhook.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    assert request["json"]["phone"] == "13912345678"
    assert request["json"]["text"].startswith("【网格治理】案件 001 已派遣\n请签收")
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert "13912345678" not in delivery.address_enc  # the outbox keeps it encrypted
    assert delivery.address_masked == "139****5678"


def test_wecom_robot_json_format(webhook, settings, django_capture_on_commit_callbacks):
    settings.WANGGE_WECOM_WEBHOOK_URL = webhook.url("/cgi-bin/webhook/send?key=abc")
    user = make_user(username="wecom")
    _prefer(user, "wecom", phone="13900000001")
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    [request] = webhook.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["json"] == {
        "msgtype": "text",
        "text": {"content": "案件 001 已派遣\n请签收", "mentioned_mobile_list": ["13900000001"]},
    }


def test_dingtalk_robot_is_signed(webhook, settings, django_capture_on_commit_callbacks):
    settings.WANGGE_DINGTALK_WEBHOOK_URL = webhook.url("/robot/send?access_token=xyz")
    settings.WANGGE_DINGTALK_SECRET = "SECsecret"
    user = make_user(username="ding")
    _prefer(user, "dingtalk")
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    [request] = webhook.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECsecret", f"{timestamp}\nSECsecret".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["access_token"] == ["xyz"]
    assert query["sign"] == [expected]
    assert request["json"] == {
        "msgtype": "text",
        "text": {"content": "案件 001 已派遣\n请签收"},
        "at": {"atMobiles": [], "isAtAll": False},
    }


def _later(monkeypatch, seconds):
    from datetime import timedelta

    from wangge.core import clock

    moment = clock.now() + timedelta(seconds=seconds)
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


def test_failed_sends_are_retried_then_sent(
    webhook, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a robot that answers 500, then an errcode, then takes the message
    settings.WANGGE_WECOM_WEBHOOK_URL = webhook.url()
    webhook.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    user = make_user(username="retry")
    _prefer(user, "wecom")
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    # when the outbox sweep runs before the wait is over, nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == 0
    # when it runs after each backoff (30 s, then 60 s)
    for seconds in (31, 31 + 61):
        moment = _later(monkeypatch, seconds)
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_sweep(now=moment) == 1
    # then the third attempt went through and the outbox says so
    delivery.refresh_from_db()
    assert len(webhook.requests) == 3
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert delivery.last_error == "errcode 93000: invalid webhook url"


def test_a_send_failing_every_time_ends_failed(
    webhook, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WANGGE_WECOM_WEBHOOK_URL = webhook.url()
    webhook.answers = [(502, {})] * 5
    user = make_user(username="fails")
    _prefer(user, "wecom")
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts([_draft(user)], may_notify=_allow)
    for seconds in (31, 92, 1000):
        moment = _later(monkeypatch, seconds)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_sweep(now=moment)
    delivery = Delivery.objects.get()
    assert len(webhook.requests) == 3  # WANGGE_NOTIFY_MAX_ATTEMPTS in these tests
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 502")


def test_a_failed_attempt_raises_for_the_celery_retry_and_waits(webhook, settings):
    settings.WANGGE_WECOM_WEBHOOK_URL = webhook.url()
    webhook.answers = [(500, {})]
    user = make_user(username="wait")
    _prefer(user, "wecom")
    notices_from_drafts([_draft(user)], may_notify=_allow)  # no commit: nothing queued
    delivery = Delivery.objects.get()
    with pytest.raises(DeliveryRetry):
        delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at is not None
    # a second copy of the task before the wait is over sends nothing
    assert delivery_send(delivery_id=delivery.pk) is False
    assert len(webhook.requests) == 1


def test_deliver_task_retries_with_backoff():
    assert deliver.autoretry_for == (DeliveryRetry,)
    assert deliver.retry_backoff == 30
    assert deliver.retry_jitter is False


def test_same_key_twice_is_one_notice_and_one_delivery(settings):
    settings.WANGGE_NOTIFY_CONSOLE = True
    user = make_user(username="once")
    _prefer(user, "sms", phone="13900000002")
    first = notices_from_drafts([_draft(user), _draft(user)], may_notify=_allow)
    again = notices_from_drafts([_draft(user)], may_notify=_allow)
    assert (len(first), len(again)) == (1, 0)
    assert Notice.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_recipient_out_of_scope_gets_nothing(settings):
    settings.WANGGE_NOTIFY_CONSOLE = True
    inside, outside = make_user(username="inside"), make_user(username="outside")
    _prefer(outside, "sms", phone="13900000003")

    def only_inside(user, draft):
        return user.pk == inside.pk

    written = notices_from_drafts(
        [_draft(inside, key="a"), _draft(outside, key="b")], may_notify=only_inside
    )
    assert [n.recipient for n in written] == [inside]
    assert not Notice.objects.filter(recipient=outside).exists()
    assert Delivery.objects.count() == 0


def test_console_channel_writes_and_counts_as_sent(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.WANGGE_NOTIFY_CONSOLE = True
    with django_capture_on_commit_callbacks(execute=True):
        notices_from_drafts(
            [
                _draft(
                    None,
                    key="sms",
                    kind="resident_sms",
                    title="您反映的问题已受理",
                    phone="13911112222",
                )
            ],
            may_notify=_allow,
        )
    assert "[通知·短信] → 139****2222：您反映的问题已受理" in capsys.readouterr().out
    assert Delivery.objects.get().status == "sent"
