"""The defaults seeded by migration 0002 (rows afterwards, edited in the back office):
the station's 11 services, the scoring model with its criteria and grade bands, and the
rules that propose credit villages and towns."""

from django.utils.translation import gettext_noop

# The 11 services of a village inclusive-finance station (普惠金融服务站).
STATION_SERVICES = [
    ("fin_withdraw", gettext_noop("小额取款")),
    ("fin_transfer", gettext_noop("转账汇款")),
    ("fin_payment", gettext_noop("代理缴费")),
    ("fin_balance", gettext_noop("余额查询")),
    ("fin_social_card", gettext_noop("社保卡服务")),
    ("fin_loan_consult", gettext_noop("贷款咨询")),
    ("fin_demand", gettext_noop("金融需求登记")),
    ("fin_credit_info", gettext_noop("信用信息采集")),
    ("fin_insurance", gettext_noop("保险服务")),
    ("fin_education", gettext_noop("金融知识宣传")),
    ("fin_anti_fraud", gettext_noop("反诈防非宣传")),
]

# (name, guidance, weight %)
DEFAULT_CRITERIA = [
    ("遵纪守法与诚实守信", "无违法记录、邻里口碑", 25),
    ("还款记录", "以往借款按时归还情况", 25),
    ("家庭收入", "年人均纯收入与收入稳定性", 20),
    ("家庭资产", "房屋、牲畜、农机、土地经营权等", 15),
    ("生产经营能力", "劳动力、技能与经营状况", 15),
]

# (grade, lowest score, creditworthy)
DEFAULT_BANDS = [
    ("AAA", 80, True),
    ("AA", 70, True),
    ("A", 60, True),
    ("B", 0, False),
]


def seed_scoring(apps) -> None:
    """The default scoring model and rules when none exist (``apps``: a migration's
    registry, or django.apps.apps)."""
    ScoringModel = apps.get_model("finance", "ScoringModel")
    CreditRules = apps.get_model("finance", "CreditRules")
    if not ScoringModel.objects.exists():
        model = ScoringModel.objects.create(name="农牧户信用评价模型（百分制）")
        for order, (name, guidance, weight) in enumerate(DEFAULT_CRITERIA):
            model.criteria.create(name=name, guidance=guidance, weight=weight, order=order)
        for grade, low, worthy in DEFAULT_BANDS:
            model.bands.create(grade=grade, min_score=low, creditworthy=worthy)
    if not CreditRules.objects.exists():
        CreditRules.objects.create()
