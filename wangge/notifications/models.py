"""Notices (the in-app notification centre), their deliveries through outside channels
(the outbox), each user's channel choices, and the scanners' cursors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from wangge.core import crypto
from wangge.core.masking import mask_phone


class Notice(models.Model):
    """One message for one recipient. ``key`` makes every source idempotent: a rescan
    that would produce the same notice again finds the key taken and writes nothing.
    A notice without a recipient is a text to a resident (only deliveries, no inbox)."""

    key = models.CharField(max_length=160)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=30)
    title = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("内容"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    # Where the thing the notice is about lies (scope checks, the outbox filter).
    area_path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("通知")
        verbose_name_plural = gettext_lazy("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="notice_key_unique")]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("待发送")
    SENT = "sent", gettext_lazy("已发送")
    FAILED = "failed", gettext_lazy("发送失败")


class Delivery(models.Model):
    """One notice through one outside channel: the outbox row, with its attempts."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(gettext_lazy("渠道"), max_length=20)
    # Email address or phone number, encrypted (a resident's phone is personal data).
    address_enc = models.TextField(blank=True, default="")
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("尝试次数"), default=0)
    last_error = models.TextField(gettext_lazy("最近错误"), blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("发送记录")
        verbose_name_plural = gettext_lazy("发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_enc)

    @property
    def address_masked(self) -> str:
        value = self.address
        if "@" in value:
            name, _, domain = value.partition("@")
            return f"{name[:1]}***@{domain}"
        return mask_phone(value)


class Preference(models.Model):
    """A user's choice of outside channels (the in-app centre is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    channels = models.JSONField(default=list, blank=True)
    # For the SMS channel and the @-mention of group robots; encrypted at rest.
    phone_enc = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("通知偏好")
        verbose_name_plural = gettext_lazy("通知偏好")

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)


class ScanCursor(models.Model):
    """How far a scanner has read a source (the last event id it turned into notices)."""

    name = models.CharField(max_length=60, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
