from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class AreaKind(models.TextChoices):
    # Lazy: shown in the reader's language. Where a label goes into a file (Excel, Word),
    # the writer evaluates it under translation.override("zh-hans") so files stay Chinese.
    CITY = "city", _("市")
    DISTRICT = "district", _("区/旗/县")
    STREET = "street", _("街道/镇/苏木")
    COMMUNITY = "community", _("社区/村/嘎查")
    GRID = "grid", _("网格")
    MICROGRID = "microgrid", _("微网格")


# The depth each kind sits at; the tree is strict so scope maths stays simple.
KIND_DEPTH = {
    AreaKind.CITY: 1,
    AreaKind.DISTRICT: 2,
    AreaKind.STREET: 3,
    AreaKind.COMMUNITY: 4,
    AreaKind.GRID: 5,
    AreaKind.MICROGRID: 6,
}


class Area(MP_Node):
    """A node of city → district → street → community → grid (→ micro-grid).

    ``path`` (materialised path) is what every scoped query filters on: everything
    under a street is ``path LIKE '<street path>%'`` on one index.
    """

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by = ["code"]

    kind = models.CharField(_("层级"), max_length=12, choices=AreaKind.choices)
    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    polygon = models.JSONField(_("边界（GeoJSON, WGS84）"), null=True, blank=True)
    # Bounding box of the polygon, kept so point lookup narrows candidates on an index.
    min_lat = models.FloatField(null=True, blank=True, db_index=True, verbose_name=_("最小纬度"))
    max_lat = models.FloatField(null=True, blank=True, verbose_name=_("最大纬度"))
    min_lng = models.FloatField(null=True, blank=True, verbose_name=_("最小经度"))
    max_lng = models.FloatField(null=True, blank=True, verbose_name=_("最大经度"))

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        indexes = [models.Index(fields=["kind", "path"], name="area_kind_path")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Estate(models.Model):
    """小区: a residential compound, the unit of property management."""

    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="estates", verbose_name=_("网格"))
    area_path = models.CharField(max_length=255, db_index=True, editable=False, verbose_name=_("区域路径"))
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    has_property_management = models.BooleanField(_("有物业管理"), default=False)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="estate_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.grid.path
        super().save(*args, **kwargs)


class Building(models.Model):
    """楼栋: households live in buildings; a building sits in one grid."""

    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("网格"))
    area_path = models.CharField(max_length=255, db_index=True, editable=False, verbose_name=_("区域路径"))
    estate = models.ForeignKey(
        Estate, on_delete=models.SET_NULL, null=True, blank=True, related_name="buildings",
        verbose_name=_("小区"),
    )
    name = models.CharField(_("楼栋"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True, verbose_name=_("纬度"))
    lng = models.FloatField(null=True, blank=True, verbose_name=_("经度"))

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="building_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.estate.name if self.estate_id else ''}{self.name}"

    def save(self, *args, **kwargs):
        self.area_path = self.grid.path
        super().save(*args, **kwargs)
