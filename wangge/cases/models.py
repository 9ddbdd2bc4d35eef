"""The closed loop (docs/domain.md): categories, routing, cases, their timeline, summons,
evaluation, and the calendar that deadlines are counted on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from treebeard.mp_tree import MP_Node

from wangge.accounts.models import Department
from wangge.accounts.scoping import ScopedModel
from wangge.areas.models import Area


class Priority(models.TextChoices):
    URGENT = "urgent", gettext_lazy("紧急（危及生命财产）")
    HIGH = "high", gettext_lazy("较急（水电气暖）")
    NORMAL = "normal", gettext_lazy("一般")
    COMPLEX = "complex", gettext_lazy("复杂")


class Category(MP_Node):
    """Event/component classes of the national city-management standard plus community
    matters; a tree (大类 → 小类)."""

    steplen = 3
    node_order_by = ["code"]

    code = models.CharField(gettext_lazy("编码"), max_length=20, unique=True)
    name = models.CharField(gettext_lazy("名称"), max_length=60)
    default_priority = models.CharField(
        gettext_lazy("默认紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    open311_enabled = models.BooleanField(gettext_lazy("对外开放(Open311)"), default=True)
    # Whether anyone may read this category's requests (Open311 feed, tracking page).
    # Off for social assistance and anything tied to a care tag.
    public = models.BooleanField(gettext_lazy("公开办理情况"), default=True)
    active = models.BooleanField(gettext_lazy("启用"), default=True)

    class Meta:
        verbose_name = gettext_lazy("事件类别")
        verbose_name_plural = gettext_lazy("事件类别")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Deadlines in working minutes; a row with no category is the default for a priority."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, verbose_name=gettext_lazy("事件类别"))
    priority = models.CharField(gettext_lazy("紧急程度"), max_length=10, choices=Priority.choices)
    sign_minutes = models.PositiveIntegerField(gettext_lazy("签收时限(工作分钟)"))
    resolve_minutes = models.PositiveIntegerField(gettext_lazy("办结时限(工作分钟)"))
    working_time = models.BooleanField(gettext_lazy("按工作时间计"), default=True)

    class Meta:
        verbose_name = gettext_lazy("办理时限")
        verbose_name_plural = gettext_lazy("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_unique"),
            # NULLs are distinct in a unique constraint: the defaults need their own.
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(category__isnull=True),
                name="sla_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or gettext('默认')} · {self.get_priority_display()}"


class RoutingRule(models.Model):
    """category × area → handler unit; the most specific (deepest area) rule wins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routes", verbose_name=gettext_lazy("事件类别"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=gettext_lazy("区域"))
    handler_department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=gettext_lazy("承办部门"),
    )
    handler_area = models.ForeignKey(
        Area, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=gettext_lazy("承办区域"),
    )

    class Meta:
        verbose_name = gettext_lazy("分派规则")
        verbose_name_plural = gettext_lazy("分派规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="routing_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(handler_department__isnull=False, handler_area__isnull=True)
                    | models.Q(handler_department__isnull=True, handler_area__isnull=False)
                ),
                name="routing_one_handler",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area} → {self.handler_department or self.handler_area}"


class Status(models.TextChoices):
    REPORTED = "reported", gettext_lazy("已上报")
    ACCEPTED = "accepted", gettext_lazy("已立案")
    REJECTED = "rejected", gettext_lazy("已作废")
    DISPATCHED = "dispatched", gettext_lazy("已派遣")
    IN_PROGRESS = "in_progress", gettext_lazy("处置中")
    RESOLVED = "resolved", gettext_lazy("已办结")
    VERIFIED = "verified", gettext_lazy("已核查")
    CLOSED = "closed", gettext_lazy("已结案")
    RETURNED = "returned", gettext_lazy("已退回")
    SUSPENDED = "suspended", gettext_lazy("挂账")


# Status sets the workflow, the selectors and the figures share.
OPEN_STATUSES = frozenset(
    {
        Status.REPORTED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.SUSPENDED,
        Status.RESOLVED,
        Status.VERIFIED,
    }
)
CLOSED_STATUSES = frozenset({Status.REJECTED, Status.CLOSED})
# Statuses in which a handler's clock runs.
ACTIVE_STATUSES = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})
RESOLVED_STATUSES = frozenset({Status.RESOLVED, Status.VERIFIED, Status.CLOSED})
# In the hands of a handling unit: its work list (a tuple: the order of the partial
# indexes' condition, which the planner matches against the query's IN list).
HANDLER_OPEN_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS, Status.SUSPENDED)
# Statuses in which a street may summon departments (吹哨).
SUMMONS_STATUSES = frozenset(
    {Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED, Status.SUSPENDED}
)


class Source(models.TextChoices):
    RESIDENT = "resident", gettext_lazy("居民上报")
    GRID_WORKER = "grid_worker", gettext_lazy("网格员上报")
    HOTLINE = "hotline", gettext_lazy("12345 热线")
    MEETING = "meeting", gettext_lazy("民情恳谈会")
    DEPARTMENT = "department", gettext_lazy("部门巡查")
    OPEN311 = "open311", "Open311"
    # Staff intake channels (views_intake): a visitor at the office, a patrol, a letter.
    WALK_IN = "walk_in", gettext_lazy("群众来访")
    PATROL = "patrol", gettext_lazy("巡查发现")
    LETTER = "letter", gettext_lazy("群众来信")


class Case(ScopedModel):
    number = models.CharField(gettext_lazy("案件编号"), max_length=20)
    # Unguessable token for the resident's tracking page and Open311 tokens.
    token = models.CharField(max_length=32, verbose_name=gettext_lazy("查询码"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=gettext_lazy("事件类别"))
    priority = models.CharField(
        gettext_lazy("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    source = models.CharField(gettext_lazy("来源"), max_length=12, choices=Source.choices)
    description = models.TextField(gettext_lazy("问题描述"))
    address = models.CharField(gettext_lazy("地址"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True, verbose_name=gettext_lazy("纬度"))  # WGS84
    lng = models.FloatField(null=True, blank=True, verbose_name=gettext_lazy("经度"))
    grid = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=gettext_lazy("网格"),
    )
    # Path of the grid (or the smallest known area): scope filters use it.
    # Redeclared without ScopedModel's own index: the leading column of
    # case_scope_status serves the range scans (every index is paid on intake).
    area_path = models.CharField(max_length=255, verbose_name=gettext_lazy("区域路径"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=gettext_lazy("上报人账号"),
    )
    anonymous = models.BooleanField(gettext_lazy("匿名"), default=False)
    # Never public whatever its category (a need raised during a household visit).
    private = models.BooleanField(gettext_lazy("不公开"), default=False)
    reporter_name = models.CharField(gettext_lazy("联系人"), max_length=50, blank=True)
    reporter_phone_enc = models.TextField(blank=True, default="", verbose_name=gettext_lazy("上报人电话（密文）"))
    # No single-column index: the work-list index below starts with this column.
    handler_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
        verbose_name=gettext_lazy("承办部门"),
    )
    handler_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="handled_cases",
        verbose_name=gettext_lazy("承办区域"),
    )
    # The unit that accepts and dispatches: the grid's community when the routing table
    # knows the category there, the street otherwise, the parent level after escalation.
    dispatcher_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatching_cases",
        db_index=False,
        verbose_name=gettext_lazy("派遣区域"),
    )
    # Suspension stops the clock: when it started and which status to resume to.
    paused_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("挂起时间"))
    paused_status = models.CharField(max_length=12, blank=True, verbose_name=gettext_lazy("挂起前状态"))
    # A handler's open request for an extension or a suspension, awaiting the dispatcher.
    pending_request = models.CharField(max_length=12, blank=True, verbose_name=gettext_lazy("待审批申请"))
    pending_request_data = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("申请内容"))
    supervision_count = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("督办次数"))
    sign_due_at = models.DateTimeField(gettext_lazy("签收时限"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(gettext_lazy("办结时限"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("立案时间"))
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("派遣时间"))
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("签收时间"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("办结时间"))
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("核查时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("结案时间"))
    result = models.TextField(gettext_lazy("处置结果"), blank=True)
    rework_count = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("返工次数"))
    return_count = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("退回次数"))
    reopen_count = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("重启次数"))
    # Bumped by every transition: a stale write is detected and answered with 409.
    version = models.PositiveIntegerField(default=1, verbose_name=gettext_lazy("版本"))
    created_at = models.DateTimeField(db_index=True, verbose_name=gettext_lazy("上报时间"))
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("更新时间"))

    class Meta:
        verbose_name = gettext_lazy("案件")
        verbose_name_plural = gettext_lazy("案件")
        indexes = [
            models.Index(
                fields=["handler_department", "status", "resolve_due_at"], name="case_dept_worklist"
            ),
            models.Index(fields=["area_path", "status"], name="case_scope_status"),
            models.Index(fields=["dispatcher_area", "status"], name="case_dispatcher_status"),
            models.Index(fields=["dispatched_at"], name="case_dispatched_at"),
            # A handling unit's open work list in deadline order, and its count, read
            # from the index alone: a few rows, however many cases the city holds.
            models.Index(
                fields=["handler_department", "resolve_due_at", "id"],
                condition=models.Q(status__in=HANDLER_OPEN_STATUSES),
                name="case_dept_open",
            ),
            models.Index(
                fields=["handler_area", "resolve_due_at", "id"],
                condition=models.Q(status__in=HANDLER_OPEN_STATUSES),
                name="case_area_open",
            ),
        ]
        # Constraints rather than unique=True: no second (LIKE-pattern) index per column,
        # nothing searches numbers or tokens by prefix. Every index is paid on intake.
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["token"], name="case_token_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseNumberSeq(models.Model):
    """Per-day counter behind case numbers like 2026112500001 (SQLite; PostgreSQL uses a
    sequence per day, see ``services.numbering.case_number_next``)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)


class CaseEvent(models.Model):
    """Immutable timeline row written by every transition."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("case events are immutable: write a new event instead")
        super().save(*args, **kwargs)


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=10, choices=[("report", gettext_lazy("上报照片")), ("result", gettext_lazy("处置照片"))])
    # The re-encoded copy (no metadata) and its thumbnail; never the uploaded bytes.
    file = models.FileField(upload_to="cases/%Y/%m/")
    thumbnail = models.FileField(upload_to="cases/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Unguessable name of the photo on public pages (Open311 media_url): never the id.
    token = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token"], name="attachment_token_unique")]


class Summons(models.Model):
    """吹哨: a street summons departments to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses")
    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    urgent = models.BooleanField(default=False)
    reason = models.TextField(blank=True)


class SummonsResponse(models.Model):
    """报到: one summoned department's check-in and the street's rating of it."""

    summons = models.ForeignKey(Summons, on_delete=models.CASCADE, related_name="responses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5 stars
    rating_note = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summons", "department"], name="summons_once"),
        ]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", gettext_lazy("满意")
    BASIC = "basic", gettext_lazy("基本满意")
    UNSATISFIED = "unsatisfied", gettext_lazy("不满意")


class Evaluation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    rating = models.CharField(max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField()


class CalendarDay(models.Model):
    """Official arrangement of one date: a holiday on a weekday or a working weekend day.
    Seeded from `chinese_calendar`; administrators add each new year's arrangement."""

    date = models.DateField(unique=True, verbose_name=gettext_lazy("日期"))
    is_workday = models.BooleanField(verbose_name=gettext_lazy("工作日"))
    name = models.CharField(max_length=30, blank=True, verbose_name=gettext_lazy("名称"))

    class Meta:
        verbose_name = gettext_lazy("节假日安排")
        verbose_name_plural = gettext_lazy("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = gettext("调休上班") if self.is_workday else gettext("放假")
        return f"{self.date:%Y-%m-%d} {self.name or kind}"


class KpiWeights(models.Model):
    """Composite score weights (default 30/35/35); one row."""

    response = models.PositiveSmallIntegerField(gettext_lazy("响应率权重"), default=30)
    resolution = models.PositiveSmallIntegerField(gettext_lazy("办结率权重"), default=35)
    satisfaction = models.PositiveSmallIntegerField(gettext_lazy("满意率权重"), default=35)

    class Meta:
        verbose_name = gettext_lazy("考核权重")
        verbose_name_plural = gettext_lazy("考核权重")

    def __str__(self) -> str:
        return f"{self.response}/{self.resolution}/{self.satisfaction}"


class CaseFollower(models.Model):
    """这也是我的问题: a resident who has the same problem as an open public case follows
    it instead of reporting it again. One row per phone (blind index) or device per case;
    the phone is stored encrypted like the reporter's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    # Unguessable: lets the follower's phone read the case's public progress (never rate).
    token = models.CharField(max_length=32)
    phone_enc = models.TextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")
    # A random id the phone keeps in localStorage (one follow per phone without a number).
    device = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("关注人")
        verbose_name_plural = gettext_lazy("关注人")
        constraints = [
            models.UniqueConstraint(fields=["token"], name="case_follower_token_unique"),
            models.UniqueConstraint(
                fields=["case", "phone_index"],
                condition=~models.Q(phone_index=""),
                name="case_follower_phone_once",
            ),
            models.UniqueConstraint(
                fields=["case", "device"],
                condition=~models.Q(device=""),
                name="case_follower_device_once",
            ),
        ]
