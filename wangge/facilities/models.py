"""Service positions (服务阵地), what they deliver, the walking network and the 15-minute
service circle (docs/domain.md, "Service positions and the 15-minute circle").

Types and the service catalogue are rows (configurable). A facility stores WGS-84; input
in GCJ-02 or BD-09 is converted by the services. Coverage figures are derived: a
recomputation (``coverage.recompute``, a Celery task) writes one ``HomeAccess`` row per
building and facility type and stamps ``CoverageRun``; nothing else stores them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area, Building


class Circle(models.TextChoices):
    """The walking circles of GB 50180-2018 (5/10/15 minutes' walk)."""

    FIVE = "5", _("5分钟生活圈")
    TEN = "10", _("10分钟生活圈")
    FIFTEEN = "15", _("15分钟生活圈")


class FacilityType(models.Model):
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    circle = models.CharField(_("服务生活圈"), max_length=2, choices=Circle.choices, default=Circle.FIFTEEN)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("阵地类型")
        verbose_name_plural = _("阵地类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return gettext(self.name)  # the seeded names are translated; others show as typed


class Service(models.Model):
    """One entry of the service catalogue (政策宣传, 休息, 充电, 饮水…)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return gettext(self.name)  # the seeded names are translated; others show as typed


class Facility(ScopedModel):
    facility_type = models.ForeignKey(FacilityType, on_delete=models.PROTECT, related_name="facilities",
                                      verbose_name=_("阵地类型"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区域"))
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"))
    lng = models.FloatField(_("经度（WGS-84）"))
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    opens_at = models.TimeField(_("每日开门"), null=True, blank=True)
    closes_at = models.TimeField(_("每日关门"), null=True, blank=True)
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    operator = models.CharField(_("运营单位"), max_length=100, blank=True)
    photo = models.ImageField(_("照片"), upload_to="facilities/%Y/%m/", blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="facilities", verbose_name=_("服务项目"))
    active = models.BooleanField(_("运营中"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        ordering = ["facility_type__order", "name", "id"]
        indexes = [models.Index(fields=["facility_type", "active"], name="facility_type_active")]

    def __str__(self) -> str:
        return self.name


class ServiceLog(ScopedModel):
    """What a station delivered on a day: a service and how many people it served."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="logs", verbose_name=_("服务阵地"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务项目"))
    date = models.DateField(_("日期"))
    people = models.PositiveIntegerField(_("服务人次"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("记录人"))
    key = models.CharField(_("幂等键"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        indexes = [models.Index(fields=["facility", "date"], name="service_log_day")]
        constraints = [
            models.UniqueConstraint(fields=["recorded_by", "key"], condition=~models.Q(key=""),
                                    name="service_log_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.people}"


class Network(models.Model):
    """The city's walking network on disk (one current row; a new load replaces it)."""

    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("来源文件"), max_length=255, blank=True)
    synthetic = models.BooleanField(_("生成的示意路网"), default=False)
    path = models.CharField(_("图文件"), max_length=255)
    nodes = models.PositiveIntegerField(_("节点数"))
    edges = models.PositiveIntegerField(_("路段数"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lat = models.FloatField(_("最大纬度"))
    min_lng = models.FloatField(_("最小经度"))
    max_lng = models.FloatField(_("最大经度"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("步行路网")
        verbose_name_plural = _("步行路网")

    def __str__(self) -> str:
        return self.name


class CoverageRun(models.Model):
    """When the figures were computed and on what (shown on every page)."""

    finished_at = models.DateTimeField(_("计算完成时间"), auto_now_add=True)
    network = models.ForeignKey(Network, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("路网"))
    straight_line = models.BooleanField(_("直线距离"), default=False)
    homes = models.PositiveIntegerField(_("楼栋数"), default=0)
    unsnapped = models.PositiveIntegerField(_("未接入路网楼栋数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("覆盖计算")
        verbose_name_plural = _("覆盖计算")


class HomeAccess(ScopedModel):
    """A building's walking distance to the nearest facility of a type (last run)."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="+", verbose_name=_("楼栋"))
    facility_type = models.ForeignKey(FacilityType, on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("阵地类型"))
    residents = models.PositiveIntegerField(_("居民数"))
    distance = models.FloatField(_("距离（米）"), null=True, blank=True)  # null: none reachable
    covered = models.BooleanField(_("在生活圈内"))
    off_network = models.BooleanField(_("未接入路网"), default=False)

    class Meta:
        verbose_name = _("楼栋可达性")
        verbose_name_plural = _("楼栋可达性")
        constraints = [models.UniqueConstraint(fields=["building", "facility_type"], name="home_access_once")]


class Scenario(ScopedModel):
    """A draft of added, moved and removed facilities; nothing in it touches the registry."""

    name = models.CharField(_("名称"), max_length=100)
    facility_type = models.ForeignKey(FacilityType, on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("阵地类型"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模拟方案")
        verbose_name_plural = _("模拟方案")


class ChangeKind(models.TextChoices):
    ADD = "add", _("新增")
    MOVE = "move", _("迁址")
    REMOVE = "remove", _("撤除")


class ScenarioChange(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes", verbose_name=_("方案"))
    kind = models.CharField(_("变更"), max_length=8, choices=ChangeKind.choices)
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("服务阵地"))
    name = models.CharField(_("名称"), max_length=100, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("方案变更")
        verbose_name_plural = _("方案变更")
