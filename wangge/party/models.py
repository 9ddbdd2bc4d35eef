"""Party organisations and members. Nothing here stores a derived state: rule breaches,
compliance of 三会一课, overdue contacts and expired letters are computed by the
selectors (``rules.py``) from these rows and the configured rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from wangge.accounts.scoping import ScopedModel, ScopedQuerySet, TenureModel
from wangge.areas.models import Area
from wangge.core.personal import EncryptedIdentity
from wangge.people.models import Resident


class OrgLevel(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    GROUP = "group", _("党小组")
    TEMPORARY = "temporary", _("临时党支部")


# Levels that hold members' meetings (支部党员大会) and are checked for size.
BRANCH_LEVELS = (OrgLevel.BRANCH, OrgLevel.JOINT_BRANCH, OrgLevel.TEMPORARY)


class OrgKind(models.TextChoices):
    STREET = "street", _("街道党工委")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    VILLAGE = "village", _("村/嘎查")
    INDUSTRY = "industry", _("行业党委")
    TWO_NEW = "two_new", _("两新组织")
    GOVERNMENT = "government", _("机关事业单位")
    PROJECT = "project", _("项目")


class Industry(models.TextChoices):
    SOCIAL_ORG = "social_org", _("社会组织")
    PROPERTY = "property", _("物业")
    TAXI = "taxi", _("出租车")
    EXPRESS = "express", _("快递")
    LAWYER = "lawyer", _("律师")
    INTERNET = "internet", _("互联网")
    LOGISTICS = "logistics", _("物流")
    CATERING = "catering", _("餐饮")
    PRIVATE_EDU = "private_edu", _("民办教育")
    HEALTH = "health", _("民营医疗")


class PartyOrg(MP_Node):
    """A party organisation (党组织); its own tree, separate from the area tree. ``path``
    (treebeard) is what a secretary's scope filters on; ``area_path`` is the area it
    serves (a grid branch/group: its grid), what party staff's scope filters on."""

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by = ["code"]

    code = models.CharField(_("组织编码"), max_length=30, unique=True)
    name = models.CharField(_("组织名称"), max_length=100)
    level = models.CharField(_("组织类别"), max_length=20, choices=OrgLevel.choices)
    kind = models.CharField(_("组织类型"), max_length=12, choices=OrgKind.choices)
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所服务区域"))
    area_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    unit_name = models.CharField(_("所在单位"), max_length=100, blank=True)
    joint_units = models.PositiveSmallIntegerField(_("联合单位数"), default=1)
    secretary_name = models.CharField(_("书记"), max_length=50, blank=True)
    committee_size = models.PositiveSmallIntegerField(_("委员人数"), default=0)
    term_started = models.DateField(_("本届起始"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["area", "kind"], name="party_org_area_kind")]

    def __str__(self) -> str:
        return self.name


class Alliance(ScopedModel):
    """党建联盟: organisations of different kinds around a street or an industry."""

    name = models.CharField(_("联盟名称"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices, blank=True)
    orgs = models.ManyToManyField(PartyOrg, related_name="alliances", verbose_name=_("成员组织"))

    class Meta:
        verbose_name = _("党建联盟")
        verbose_name_plural = _("党建联盟")

    def __str__(self) -> str:
        return self.name


class AllianceActivity(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="activities", verbose_name=_("联盟"))
    date = models.DateField(_("日期"))
    title = models.CharField(_("活动名称"), max_length=100)
    orgs_taking_part = models.PositiveSmallIntegerField(_("参与组织数"), default=0)

    class Meta:
        verbose_name = _("联盟活动")
        verbose_name_plural = _("联盟活动")


class OrgOfficer(TenureModel):
    """A user holds office (secretary) in an organisation: their scope is its subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="party_offices", verbose_name=_("用户"))
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="officers", verbose_name=_("党组织"))

    class Meta:
        verbose_name = _("党组织书记任职")
        verbose_name_plural = _("党组织书记任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "org"], condition=Q(until__isnull=True), name="party_officer_one_open")
        ]


class Stage(models.TextChoices):
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    FLOWED_OUT = "flowed_out", _("流出")
    FLOWED_IN = "flowed_in", _("流入")
    TRANSFERRING = "transferring", _("转接中")
    LOST = "lost", _("失联")
    DECEASED = "deceased", _("去世")
    LEFT = "left", _("出党/退出")


# Members an organisation still counts (the rules count full members among these).
COUNTED_STATUSES = (MemberStatus.NORMAL, MemberStatus.FLOWED_OUT, MemberStatus.FLOWED_IN,
                    MemberStatus.TRANSFERRING, MemberStatus.LOST)


class MemberQuerySet(ScopedQuerySet):
    def counted(self):
        return self.filter(status__in=COUNTED_STATUSES)


class Member(ScopedModel, EncryptedIdentity):
    """One membership per member (党员台账). ``org`` holds the relationship (its path in
    ``org_path``; ``area_path`` is its area); ``activity_org`` is where they take part;
    ``residence`` their residential community for 双报到. Counts use ``org`` only."""

    resident = models.OneToOneField(Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="party_member", verbose_name=_("居民"))
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=6, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    # id_number_enc, phone_enc and their masking/setters come from EncryptedIdentity
    # (core.personal); the ID number's blind index is indexed here, the phone keeps none.
    id_number_index = models.CharField(_("证件号码索引"), max_length=32, blank=True, default="", db_index=True)
    phone_index = None
    admitted_on = models.DateField(_("入党日期"))
    stage = models.CharField(_("党员类别"), max_length=12, choices=Stage.choices, default=Stage.FULL)
    probation_ends = models.DateField(_("预备期满"), null=True, blank=True)
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    post = models.CharField(_("党内职务"), max_length=30, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.NORMAL)
    lost_contact_on = models.DateField(_("失联日期"), null=True, blank=True)
    dues_paid_until = models.CharField(_("党费缴至（年-月）"), max_length=7, blank=True)
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="members", verbose_name=_("组织关系所在党组织"))
    org_path = models.CharField(_("组织路径"), max_length=255)
    activity_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, null=True, blank=True, related_name="activity_members", verbose_name=_("参加活动党组织"))
    activity_org_path = models.CharField(_("活动组织路径"), max_length=255, blank=True, default="")
    residence = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("居住社区"))
    in_service = models.BooleanField(_("在职党员"), default=False)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    last_org_life_on = models.DateField(_("最近参加组织生活"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [
            models.Index(fields=["org_path", "name", "id"], name="party_member_org_page"),
            models.Index(fields=["activity_org_path"], name="party_member_activity"),
            models.Index(fields=["org", "status", "stage"], name="party_member_org_count"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~Q(id_number_index=""), name="party_member_unique_id")
        ]

    def __str__(self) -> str:
        return self.name


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("已开具")
    RECEIVED = "received", _("已接收")
    RETURNED = "returned", _("已退回")


class TransferScope(models.TextChoices):
    INSIDE = "inside", _("市内转接")
    OUT = "out", _("转出市外")
    IN = "in", _("市外转入")


class Transfer(ScopedModel):
    """组织关系转接: a letter from one organisation to another. The sending organisation
    stays responsible (the member stays in it) until the letter is received."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("党员"))
    scope = models.CharField(_("转接类型"), max_length=8, choices=TransferScope.choices)
    from_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转出党组织"))
    to_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接收党组织"))
    to_area_path = models.CharField(_("接收方区域路径"), max_length=255, blank=True, default="", db_index=True)
    outside_org = models.CharField(_("市外党组织"), max_length=100, blank=True)
    letter_no = models.CharField(_("介绍信编号"), max_length=40)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.ISSUED)
    closed_on = models.DateField(_("接收/退回日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="issued"), name="party_transfer_one_open")
        ]

    def __str__(self) -> str:
        return self.letter_no


class FlowOut(ScopedModel):
    """A mobile member's flow-out record (流动党员)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flows", verbose_name=_("党员"))
    destination = models.CharField(_("流入地"), max_length=100)
    unit = models.CharField(_("流入单位"), max_length=100, blank=True)
    certificate_no = models.CharField(_("流动党员证编号"), max_length=40, blank=True)
    contact_enc = models.TextField(_("联系方式（密文）"), blank=True, default="")
    reason = models.CharField(_("外出原因"), max_length=100, blank=True)
    since = models.DateField(_("外出日期"))
    returned_on = models.DateField(_("返回日期"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)
    last_contact_by = models.CharField(_("最近联系人"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("流动党员")
        verbose_name_plural = _("流动党员")


class FlowContact(models.Model):
    flow = models.ForeignKey(FlowOut, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("流动记录"))
    date = models.DateField(_("联系日期"))
    by_name = models.CharField(_("联系人"), max_length=50)
    note = models.CharField(_("情况"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("流动党员联系记录")
        verbose_name_plural = _("流动党员联系记录")


from wangge.party.models_activity import *  # noqa: E402,F403  (one models module for Django)
