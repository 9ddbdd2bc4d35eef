from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area, Building
from wangge.core.personal import EncryptedIdentity


# Choice labels are plain Chinese words (gettext_noop: in the catalogue, not lazy): other
# apps put them into JSON and Excel; pages translate them where shown (``choice_words``).
def choice_words(choices) -> list[tuple[str, str]]:
    """A TextChoices' choices with their labels translated when shown (forms)."""
    return [(value, _(label)) for value, label in choices]


class Cadence(models.TextChoices):
    WEEKLY = "weekly", gettext_noop("每周必访")
    MONTHLY = "monthly", gettext_noop("每月必访")
    QUARTERLY = "quarterly", gettext_noop("每季必访")


class CareTag(models.Model):
    """困难群体 / 特殊人群 tags; the strongest tag's cadence decides the visit rhythm."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    cadence = models.CharField(_("走访频次"), max_length=10, choices=Cadence.choices)
    sensitive = models.BooleanField(_("敏感类别"), default=False)

    class Meta:
        verbose_name = _("关爱标签")
        verbose_name_plural = _("关爱标签")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Household(ScopedModel):
    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="households", verbose_name=_("网格"))
    # area_path (ScopedModel): copy of the grid's path, one indexed range per scope root.
    code = models.CharField(_("户编号"), max_length=40, unique=True)
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="households",
        verbose_name=_("楼栋"),
    )
    address = models.CharField(_("住址"), max_length=200)
    room = models.CharField(_("门牌/房号"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return f"{self.code} {self.address}"


class Gender(models.TextChoices):
    MALE = "male", gettext_noop("男")
    FEMALE = "female", gettext_noop("女")


class DocType(models.TextChoices):
    ID_CARD = "id_card", gettext_noop("居民身份证")
    PASSPORT = "passport", gettext_noop("护照")
    HK_MACAO_TW = "hk_macao_tw", gettext_noop("港澳台居民证件")
    FOREIGN_PR = "foreign_pr", gettext_noop("外国人永久居留身份证")
    OTHER = "other", gettext_noop("其他证件")


class Relation(models.TextChoices):
    SELF = "self", gettext_noop("户主")
    SPOUSE = "spouse", gettext_noop("配偶")
    CHILD = "child", gettext_noop("子女")
    PARENT = "parent", gettext_noop("父母")
    GRANDPARENT = "grandparent", gettext_noop("祖父母/外祖父母")
    GRANDCHILD = "grandchild", gettext_noop("孙子女/外孙子女")
    SIBLING = "sibling", gettext_noop("兄弟姐妹")
    OTHER = "other", gettext_noop("其他")


class ResidenceStatus(models.TextChoices):
    PERMANENT = "permanent", gettext_noop("常住")
    FLOATING = "floating", gettext_noop("流动")
    REGISTERED_ABSENT = "registered_absent", gettext_noop("户在人不在")
    TEMPORARY = "temporary", gettext_noop("暂住")


class Resident(ScopedModel, EncryptedIdentity):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("户"))
    # No own index: resident_scope_page (area_path, id) leads with it, and scope filters are
    # ranges (path__under), which need no LIKE-pattern index.
    area_path = models.CharField(max_length=255, verbose_name=_("区域路径"))
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    doc_type = models.CharField(
        _("证件类型"), max_length=12, choices=DocType.choices, default=DocType.ID_CARD
    )
    # id_number_enc / id_number_index / phone_enc / phone_index come from EncryptedIdentity
    # (core.personal). The ID number's blind index is searched through the partial unique
    # constraint below (no second index: each one is a random-order insert on every import);
    # nothing searches by phone yet, so it has none.
    relation = models.CharField(
        _("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.SELF
    )
    residence_status = models.CharField(
        _("居住状态"),
        max_length=20,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.PERMANENT,
    )
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    notes = models.TextField(_("备注"), blank=True, default="")
    care_tags = models.ManyToManyField(CareTag, blank=True, related_name="residents", verbose_name=_("关爱标签"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        indexes = [models.Index(fields=["area_path", "id"], name="resident_scope_page")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="resident_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name
