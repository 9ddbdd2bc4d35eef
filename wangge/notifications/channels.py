"""Outside channels: email, an SMS gateway, and the WeCom (企业微信) and DingTalk (钉钉)
group robots. Each turns one notice into one message to one address and raises
``DeliveryError`` when the far end does not take it (the outbox retries).

With ``WANGGE_NOTIFY_CONSOLE`` on (the demo), every channel writes the message to the
console instead and counts it as sent.
"""

import base64
import hashlib
import hmac
import json
import logging
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core.masking import mask_phone

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel did not take the message; the text is kept as the outbox's last error."""


def absolute(link: str) -> str:
    if not link:
        return ""
    return settings.WANGGE_PUBLIC_BASE_URL.rstrip("/") + link if link.startswith("/") else link


def message_text(notice) -> str:
    parts = [notice.title]
    if notice.body:
        parts.append(notice.body)
    link = absolute(notice.link)
    if link and link.startswith("http"):
        parts.append(link)
    return "\n".join(parts)


def _post_json(url: str, payload: dict, *, headers: dict | None = None) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(gettext("地址必须以 http:// 或 https:// 开头"))
    request = urllib.request.Request(  # noqa: S310 - scheme checked above, URL from settings
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        timeout = settings.WANGGE_NOTIFY_HTTP_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"连接失败：{error}") from error


def _robot_answer(raw: bytes) -> None:
    """Both robots answer HTTP 200 with {"errcode": 0, ...} when they took the message."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as error:
        raise DeliveryError(gettext("应答不是 JSON")) from error
    if answer.get("errcode") != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


@dataclass(frozen=True)
class Channel:
    code: str
    label: str

    def address_for(self, user, phone: str) -> str:
        """Where this user's messages go ('' when the channel cannot reach them)."""
        return phone

    def configured(self) -> bool:
        return True

    def send(self, address: str, notice) -> None:
        if settings.WANGGE_NOTIFY_CONSOLE:
            shown = mask_phone(address) if address and "@" not in address else address
            sys.stdout.write(f"[通知·{self.label}] → {shown or gettext('群')}：{message_text(notice)}\n")
            sys.stdout.flush()
            return
        self.deliver(address, notice)

    def deliver(self, address: str, notice) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class EmailChannel(Channel):
    def address_for(self, user, phone: str) -> str:
        return user.email or ""

    def deliver(self, address: str, notice) -> None:
        try:
            send_mail(
                subject=f"[网格] {notice.title}",
                message=message_text(notice),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
        except Exception as error:  # SMTP answers, refused connections, bad addresses
            raise DeliveryError(f"邮件发送失败：{error}") from error


class SmsChannel(Channel):
    """POSTs {"phone", "text", "sign"} as JSON to the gateway; any 2xx is taken."""

    def configured(self) -> bool:
        return bool(settings.WANGGE_SMS_GATEWAY_URL) or settings.WANGGE_NOTIFY_CONSOLE

    def deliver(self, address: str, notice) -> None:
        if not settings.WANGGE_SMS_GATEWAY_URL:
            raise DeliveryError(gettext("未配置短信网关"))
        if not address:
            raise DeliveryError(gettext("没有手机号"))
        headers = {}
        if settings.WANGGE_SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.WANGGE_SMS_GATEWAY_TOKEN}"
        text = f"【{settings.WANGGE_SMS_SIGN_NAME}】{message_text(notice)}"
        _post_json(
            settings.WANGGE_SMS_GATEWAY_URL,
            {"phone": address, "text": text, "sign": settings.WANGGE_SMS_SIGN_NAME},
            headers=headers,
        )


class WeComRobotChannel(Channel):
    """企业微信群机器人: {"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}."""

    def configured(self) -> bool:
        return bool(settings.WANGGE_WECOM_WEBHOOK_URL) or settings.WANGGE_NOTIFY_CONSOLE

    def deliver(self, address: str, notice) -> None:
        if not settings.WANGGE_WECOM_WEBHOOK_URL:
            raise DeliveryError(gettext("未配置企业微信群机器人"))
        text = {"content": message_text(notice)}
        if address:
            text["mentioned_mobile_list"] = [address]
        _robot_answer(
            _post_json(settings.WANGGE_WECOM_WEBHOOK_URL, {"msgtype": "text", "text": text})
        )


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """钉钉 "加签": sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


class DingTalkRobotChannel(Channel):
    """钉钉群机器人: {"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}."""

    def configured(self) -> bool:
        return bool(settings.WANGGE_DINGTALK_WEBHOOK_URL) or settings.WANGGE_NOTIFY_CONSOLE

    def deliver(self, address: str, notice) -> None:
        url = settings.WANGGE_DINGTALK_WEBHOOK_URL
        if not url:
            raise DeliveryError(gettext("未配置钉钉群机器人"))
        if settings.WANGGE_DINGTALK_SECRET:
            url = dingtalk_signed_url(url, settings.WANGGE_DINGTALK_SECRET, int(time.time() * 1000))
        content = message_text(notice)
        if address:
            content = f"{content}\n@{address}"  # DingTalk highlights the @ in the text
        payload = {
            "msgtype": "text",
            "text": {"content": content},
            "at": {"atMobiles": [address] if address else [], "isAtAll": False},
        }
        _robot_answer(_post_json(url, payload))


EMAIL = EmailChannel("email", _("电子邮件"))
SMS = SmsChannel("sms", _("短信"))
WECOM = WeComRobotChannel("wecom", _("企业微信群"))
DINGTALK = DingTalkRobotChannel("dingtalk", _("钉钉群"))
CHANNELS: dict[str, Channel] = {c.code: c for c in (EMAIL, SMS, WECOM, DINGTALK)}
