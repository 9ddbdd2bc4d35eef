from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEvent(models.Model):
    """Append-only: the app never updates or deletes a row, and on PostgreSQL a
    trigger refuses it too (see migration 0002)."""

    at = models.DateTimeField(_("时间(UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
        db_constraint=False, related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        # Plain indexes for the audit page's exact filters; no LIKE pattern twins (every
        # index is paid on each of the many inserts).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_username"], name="audit_username"),
            models.Index(fields=["action"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    @property
    def object_label(self) -> str:
        """The object in words (each app's labels, see wangge.audit.labels)."""
        from wangge.audit.labels import object_label

        return object_label(self.object_type, self.object_id)

    @property
    def action_label(self) -> str:
        from wangge.audit.labels import action_label

        return action_label(self.action)

    @property
    def role_names(self) -> str:
        """The stored role codes as people read them (网格员、社区工作人员)."""
        from wangge.accounts.models import Role

        labels = dict(Role.choices)
        return gettext("、").join(str(labels.get(code, code)) for code in self.role.split(",") if code)


class AuditChainLink(models.Model):
    """The hash chain over the audit log (wangge.audit.chain), one link per audit row in
    the order the rows were chained: ``row_hash`` is the SHA-256 of the row's content,
    ``chain_hash`` the SHA-256 of the previous link's ``chain_hash`` and this ``row_hash``.
    Append-only like the audit log itself."""

    seq = models.BigAutoField(primary_key=True, verbose_name=_("序号"))
    # No database constraint: a row removed behind the app's back must show as missing,
    # not block the removal.
    event = models.OneToOneField(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("审计记录"),
    )
    row_hash = models.CharField(_("记录哈希"), max_length=64)
    chain_hash = models.CharField(_("链哈希"), max_length=64)
    chained_at = models.DateTimeField(_("入链时间"))

    class Meta:
        verbose_name = _("审计哈希链")
        verbose_name_plural = _("审计哈希链")


class AuditSeal(models.Model):
    """A day's final chain hash, recorded by the nightly task for the audit administrator
    to see (and copy somewhere the database's owner cannot reach)."""

    day = models.DateField(_("日期"), unique=True)
    last_seq = models.BigIntegerField(_("最后链序号"))
    rows = models.PositiveIntegerField(_("累计记录数"))
    final_hash = models.CharField(_("日终哈希"), max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"))

    class Meta:
        verbose_name = _("审计日终哈希")
        verbose_name_plural = _("审计日终哈希")
        ordering = ["-day"]
