"""Cadre training: units and cadres, needs, courses and classes, enrolment, QR attendance,
leave, other credit records, ratings and the configurable rules. The ledger (hours per
cadre, source and year) is never stored: ``wangge.training.ledger`` derives it by query
from these rows and the rules (docs/domain.md, "Cadre training")."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Department
from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area


def new_token() -> str:
    return secrets.token_urlsafe(18)


class LevelGroup(models.TextChoices):
    """The requirement groups of the national regulations on cadre training."""

    TOWNSHIP = "township", _("乡科级及以下干部")
    COUNTY = "county", _("县处级及以上干部")
    SECRETARY = "secretary", _("基层党组织书记")
    MEMBER = "member", _("党员")


class TrainingUnit(ScopedModel):
    """A member unit (成员单位): a department or an area's office. Its cadres' rows carry
    its area path; a training officer sees the units their role assignment names."""

    name = models.CharField(_("单位名称"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("对应职能部门"),
    )

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="training_unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Cadre(ScopedModel):
    # The learner number the online learning platform knows the cadre by (its export's key).
    code = models.CharField(_("干部编号"), max_length=30, blank=True, default="")
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(TrainingUnit, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("所在单位"))
    group = models.CharField(_("干部类别"), max_length=12, choices=LevelGroup.choices, default=LevelGroup.TOWNSHIP)
    is_party_member = models.BooleanField(_("党员"), default=True)
    post = models.CharField(_("职务"), max_length=60, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="cadre", verbose_name=_("关联账号"),
    )
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        indexes = [models.Index(fields=["unit", "name"], name="training_cadre_unit")]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="training_cadre_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """An annual (or multi-year) requirement of a group: at least ``hours`` over ``years``
    years, or ``days`` training days a year when that is met instead."""

    group = models.CharField(_("干部类别"), max_length=12, choices=LevelGroup.choices, unique=True)
    hours = models.DecimalField(_("学时要求"), max_digits=6, decimal_places=1)
    years = models.PositiveSmallIntegerField(_("周期(年)"), default=1)
    days = models.PositiveSmallIntegerField(_("或累计天数"), null=True, blank=True)

    class Meta:
        verbose_name = _("学时要求")
        verbose_name_plural = _("学时要求")

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.hours}"


class CreditRules(models.Model):
    """The city's credit-hour rules (one row; the defaults apply without it)."""

    hours_per_day = models.DecimalField(_("每天折算学时"), max_digits=4, decimal_places=1, default=8)
    online_full_minutes = models.PositiveSmallIntegerField(_("网络学习满1学时的分钟数"), default=30)
    online_half_minutes = models.PositiveSmallIntegerField(_("网络学习计0.5学时的分钟数"), default=15)
    online_min_credit = models.DecimalField(_("不足下限时的学时"), max_digits=3, decimal_places=2, default=0.25)
    teaching_multiplier = models.DecimalField(_("授课学时倍数"), max_digits=4, decimal_places=1, default=2)
    publication_hours = models.DecimalField(_("每篇发表文章学时"), max_digits=4, decimal_places=1, default=5)
    self_selected_cap = models.DecimalField(_("自选课程年度上限"), max_digits=5, decimal_places=1, default=40)
    carry_over_cap = models.DecimalField(_("可结转下年的学时上限"), max_digits=5, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("学时规则")
        verbose_name_plural = _("学时规则")

    def __str__(self) -> str:
        return str(_("学时规则"))


class NeedCategory(models.Model):
    name = models.CharField(_("类别名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("需求类别")
        verbose_name_plural = _("需求类别")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    topic = models.CharField(_("课程主题"), max_length=120)
    category = models.ForeignKey(NeedCategory, on_delete=models.PROTECT, related_name="courses", verbose_name=_("类别"))
    lecturer = models.CharField(_("授课人"), max_length=50)
    lecturer_cadre = models.ForeignKey(
        Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="lectures",
        verbose_name=_("授课领导干部"),
    )
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    excellent = models.BooleanField(_("精品课程"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.topic


class Need(ScopedModel):
    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("问卷")
        MEETING = "meeting", _("座谈会")

    category = models.ForeignKey(NeedCategory, on_delete=models.PROTECT, related_name="needs", verbose_name=_("需求类别"))
    text = models.CharField(_("需求内容"), max_length=300)
    source = models.CharField(_("来源"), max_length=14, choices=Source.choices)
    cadre = models.ForeignKey(Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("提出人"))
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs", verbose_name=_("对应课程"))
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("培训需求")
        verbose_name_plural = _("培训需求")

    def __str__(self) -> str:
        return self.text[:30]


class ClassKind(models.TextChoices):
    CLASSROOM = "classroom", _("课堂教学")
    RED_TRIP = "red_trip", _("红色研学")
    ONLINE = "online", _("网络直播")


class CreditMode(models.TextChoices):
    HOURS = "hours", _("按实际学时")
    DAYS = "days", _("按天数折算")


class TrainingClass(ScopedModel):
    """A run of a course or a themed programme. ``token`` is what its QR code encodes."""

    title = models.CharField(_("班次名称"), max_length=120)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="classes", verbose_name=_("课程"))
    kind = models.CharField(_("形式"), max_length=10, choices=ClassKind.choices, default=ClassKind.CLASSROOM)
    start = models.DateField(_("开班日期"))
    end = models.DateField(_("结业日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    target_group = models.CharField(_("培训对象"), max_length=12, choices=LevelGroup.choices, blank=True)
    full_time = models.BooleanField(_("脱产培训"), default=False)
    credit_mode = models.CharField(_("学时计算"), max_length=6, choices=CreditMode.choices, default=CreditMode.HOURS)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    # Set by the services from start and end, so the ledger converts days in the query.
    days_held = models.PositiveSmallIntegerField(_("天数"), default=1)
    units = models.ManyToManyField(TrainingUnit, blank=True, related_name="classes", verbose_name=_("选学单位"))
    self_selectable = models.BooleanField(_("允许自主选学"), default=True)
    token = models.CharField(_("签到码"), max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        indexes = [models.Index(fields=["start"], name="training_class_start")]

    def __str__(self) -> str:
        return self.title


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在训")
    WITHDRAWN = "withdrawn", _("退学")


class Enrolment(ScopedModel):
    class By(models.TextChoices):
        UNIT = "unit", _("单位调训")
        SELF = "self", _("个人选学")

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("班次"))
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("干部"))
    by = models.CharField(_("报名方式"), max_length=6, choices=By.choices)
    status = models.CharField(_("状态"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED)
    first_check_in = models.DateTimeField(_("首次签到"), null=True, blank=True)
    leave_hours = models.DecimalField(_("请假学时"), max_digits=5, decimal_places=1, default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=["training_class", "cadre"], name="training_enrolment_unique"),
        ]
        indexes = [models.Index(fields=["cadre", "first_check_in"], name="training_enrol_cadre")]


class Attendance(models.Model):
    """One scan of the class's QR code (one per cadre and day)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("报名"))
    day = models.DateField(_("日期"))
    at = models.DateTimeField(_("签到时间"))

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="training_attendance_day")]


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class LeaveRequest(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="leaves", verbose_name=_("报名"))
    hours = models.DecimalField(_("请假学时"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("请假事由"), max_length=200)
    status = models.CharField(_("审批状态"), max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    key = models.CharField(_("幂等键"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("申请时间"))

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "key"], condition=~models.Q(key=""), name="training_leave_key"
            ),
        ]


class CreditSource(models.TextChoices):
    ORGANISED = "organised", _("组织调训")
    SELF_SELECTED = "self_selected", _("自主选学")
    ONLINE = "online", _("网络学习")
    UNIT = "unit", _("单位自主培训")
    TEACHING = "teaching", _("授课")
    PUBLICATION = "publication", _("发表文章")


class CreditRecord(ScopedModel):
    """Hours from anything but an organised class: online learning (minutes, converted by
    the rules), unit training, self-selected courses, teaching, publications."""

    # No index of its own: ``training_credit_cadre`` (cadre, date) leads with it.
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="credits", verbose_name=_("干部"),
                              db_index=False)
    source = models.CharField(_("学时来源"), max_length=14, choices=CreditSource.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("内容"), max_length=150)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    minutes = models.PositiveIntegerField(_("学习分钟数"), null=True, blank=True)
    external_id = models.CharField(_("平台记录号"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        indexes = [models.Index(fields=["cadre", "date"], name="training_credit_cadre")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~models.Q(external_id=""),
                name="training_credit_external",
            ),
        ]


class ClassRating(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="rating", verbose_name=_("报名"))
    class_stars = models.PositiveSmallIntegerField(_("班次评分"))
    lecturer_stars = models.PositiveSmallIntegerField(_("授课人评分"))
    comment = models.CharField(_("意见建议"), max_length=300, blank=True)
    at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("培训评价")
        verbose_name_plural = _("培训评价")
