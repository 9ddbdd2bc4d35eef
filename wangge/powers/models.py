"""Devolved powers: the city's standard list (``PowerItem``), what each street has taken
on (``StreetPower``), each use of a power (``PowerExercise``), the city's assessment
criteria and each street's yearly assessment of a stationed office (``Assessment``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Department
from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area


class PowerKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政执法事项")
    PROPOSE = "propose", _("重大决策和重大项目建议权、参与权")
    COMMAND = "command", _("应急事件统一指挥调度权")
    ASSESS = "assess", _("派驻机构负责人考核评价权")
    APPOINT = "appoint", _("派驻机构负责人任免建议权")


class PowerItem(models.Model):
    """An item of the city's standard list of powers a street may receive."""

    code = models.CharField(_("事项编码"), max_length=20, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=16, choices=PowerKind.choices)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("下放部门"),
    )
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("赋权事项（标准清单）")
        verbose_name_plural = _("赋权事项（标准清单）")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StreetPower(ScopedModel):
    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道"))
    item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="streets", verbose_name=_("事项"))
    received_on = models.DateField(_("承接日期"))
    agreement = models.CharField(_("交接协议"), max_length=120, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("街道承接事项")
        verbose_name_plural = _("街道承接事项")
        constraints = [models.UniqueConstraint(fields=["street", "item"], name="powers_street_item")]

    def __str__(self) -> str:
        return str(self.item)


class PowerExercise(ScopedModel):
    power = models.ForeignKey(StreetPower, on_delete=models.CASCADE, related_name="exercises", verbose_name=_("事项"))
    date = models.DateField(_("日期"))
    matter = models.CharField(_("事由"), max_length=200)
    outcome = models.TextField(_("结果"), blank=True)
    documents = models.CharField(_("文书编号"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("记录人"),
    )
    key = models.CharField(_("幂等键"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("行权记录")
        verbose_name_plural = _("行权记录")
        indexes = [models.Index(fields=["power", "date"], name="powers_exercise_power")]
        constraints = [
            models.UniqueConstraint(fields=["power", "key"], condition=~models.Q(key=""), name="powers_exercise_key"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.matter}"


class CriterionSource(models.TextChoices):
    SUMMONS_CHECK_IN = "summons_check_in", _("吹哨报到按时率")
    SUMMONS_RATING = "summons_rating", _("吹哨报到评价")
    CLOSED_LOOP = "closed_loop", _("事件办理综合评分")
    STREET = "street", _("街道评分")


class Criterion(models.Model):
    """A criterion of the yearly assessment, configured by the city."""

    name = models.CharField(_("考核指标"), max_length=60)
    source = models.CharField(_("分值来源"), max_length=20, choices=CriterionSource.choices)
    weight = models.PositiveSmallIntegerField(_("权重(%)"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Assessment(ScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("派驻机构"))
    year = models.PositiveSmallIntegerField(_("年度"))
    # {criterion id: score 0–100} as saved; the system's figures are shown beside them.
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, default=0)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("考核人"),
    )
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("派驻机构考核")
        verbose_name_plural = _("派驻机构考核")
        constraints = [
            models.UniqueConstraint(fields=["street", "department", "year"], name="powers_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.department_id}"
