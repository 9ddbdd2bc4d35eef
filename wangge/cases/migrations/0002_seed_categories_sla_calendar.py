"""Seed the category tree, default deadlines, the holiday calendar and KPI weights.

Categories follow the national digital city-management classes (events: 市容环境,
宣传广告, 施工管理, 街面秩序, 突发事件; components: 公用设施, 道路交通, 园林绿化,
房屋土地) plus community matters. Paths are written by hand because historical models
lack treebeard's methods; siblings are ordered by code as ``node_order_by`` expects.
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 3

# (code, name, default priority, [(code, name, priority), ...])
CATEGORIES = [
    (
        "C01",
        "公用设施",
        "normal",
        [
            ("C0101", "上水井盖破损缺失", "high"),
            ("C0102", "污水井盖破损缺失", "high"),
            ("C0103", "路灯不亮或损坏", "normal"),
            ("C0104", "供暖设施故障", "high"),
            ("C0105", "供电设施故障", "high"),
            ("C0106", "燃气设施故障", "high"),
        ],
    ),
    (
        "C02",
        "道路交通",
        "normal",
        [
            ("C0201", "交通信号灯故障", "high"),
            ("C0202", "交通标志牌损坏", "normal"),
            ("C0203", "道路破损坑洼", "normal"),
            ("C0204", "隔离护栏损坏", "normal"),
        ],
    ),
    (
        "C03",
        "园林绿化",
        "normal",
        [
            ("C0301", "行道树缺株死亡", "normal"),
            ("C0302", "绿地脏乱", "normal"),
            ("C0303", "树木倒伏断枝", "high"),
        ],
    ),
    (
        "C04",
        "房屋土地",
        "normal",
        [
            ("C0401", "违法建设", "complex"),
            ("C0402", "房屋安全隐患", "urgent"),
            ("C0403", "私搭乱建", "normal"),
        ],
    ),
    (
        "E01",
        "市容环境",
        "normal",
        [
            ("E0101", "暴露垃圾", "normal"),
            ("E0102", "积存垃圾渣土", "normal"),
            ("E0103", "道路不洁", "normal"),
            ("E0104", "乱堆物堆料", "normal"),
            ("E0105", "焚烧垃圾树叶", "high"),
        ],
    ),
    (
        "E02",
        "宣传广告",
        "normal",
        [
            ("E0201", "非法小广告", "normal"),
            ("E0202", "违规户外广告", "normal"),
            ("E0203", "占道广告牌", "normal"),
        ],
    ),
    (
        "E03",
        "施工管理",
        "normal",
        [
            ("E0301", "施工扰民", "normal"),
            ("E0302", "道路遗撒", "normal"),
            ("E0303", "施工占道", "normal"),
            ("E0304", "工地扬尘", "normal"),
        ],
    ),
    (
        "E04",
        "街面秩序",
        "normal",
        [
            ("E0401", "无照经营游商", "normal"),
            ("E0402", "店外经营", "normal"),
            ("E0403", "占道废品收购", "normal"),
            ("E0404", "非机动车乱停放", "normal"),
        ],
    ),
    (
        "E05",
        "突发事件",
        "urgent",
        [
            ("E0501", "路面塌陷", "urgent"),
            ("E0502", "自来水管破裂", "high"),
            ("E0503", "燃气泄漏", "urgent"),
            ("E0504", "道路积水", "high"),
            ("E0505", "火灾", "urgent"),
        ],
    ),
    (
        "S01",
        "物业服务",
        "normal",
        [
            ("S0101", "物业收费争议", "normal"),
            ("S0102", "公共设施维修", "normal"),
            ("S0103", "电梯故障", "high"),
            ("S0104", "小区环境卫生", "normal"),
        ],
    ),
    (
        "S02",
        "邻里纠纷",
        "normal",
        [
            ("S0201", "噪音扰民", "normal"),
            ("S0202", "漏水纠纷", "normal"),
            ("S0203", "楼道占用", "normal"),
        ],
    ),
    (
        "S03",
        "社会救助",
        "normal",
        [
            ("S0301", "低保救助咨询", "normal"),
            ("S0302", "临时救助", "high"),
            ("S0303", "残疾人帮扶", "normal"),
        ],
    ),
    (
        "S04",
        "养老服务",
        "normal",
        [
            ("S0401", "独居老人照护", "high"),
            ("S0402", "助餐服务", "normal"),
            ("S0403", "居家养老服务", "normal"),
        ],
    ),
    (
        "S05",
        "安全隐患",
        "high",
        [
            ("S0501", "楼道堆物", "normal"),
            ("S0502", "电动车违规充电", "high"),
            ("S0503", "消防通道堵塞", "high"),
            ("S0504", "高空坠物风险", "urgent"),
        ],
    ),
]

# priority: (sign minutes, resolve minutes, working time) — docs/domain.md defaults.
DAY = 24 * 60
SLA_DEFAULTS = {
    "urgent": (30, 120, False),
    "high": (120, 24 * 60, False),
    "normal": (DAY, 7 * DAY, True),
    "complex": (DAY, 15 * DAY, True),
}


def _step(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
        if number == 0:
            break
    return digits.rjust(STEPLEN, ALPHABET[0])


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    KpiWeights = apps.get_model("cases", "KpiWeights")
    CalendarDay = apps.get_model("cases", "CalendarDay")

    for index, (code, name, priority, children) in enumerate(sorted(CATEGORIES), start=1):
        if Category.objects.filter(code=code).exists():
            continue
        root_path = _step(index)
        Category.objects.create(
            path=root_path,
            depth=1,
            numchild=len(children),
            code=code,
            name=name,
            default_priority=priority,
        )
        for child_index, (child_code, child_name, child_priority) in enumerate(
            sorted(children), start=1
        ):
            Category.objects.create(
                path=root_path + _step(child_index),
                depth=2,
                numchild=0,
                code=child_code,
                name=child_name,
                default_priority=child_priority,
            )

    for priority, (sign, resolve, working) in SLA_DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            category=None,
            priority=priority,
            defaults={"sign_minutes": sign, "resolve_minutes": resolve, "working_time": working},
        )

    if not KpiWeights.objects.exists():
        KpiWeights.objects.create(response=30, resolution=35, satisfaction=35)

    from wangge.cases.calendar import calendar_rows_from_package

    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, is_workday=workday, name=name[:30])
            for day, workday, name in calendar_rows_from_package(years=set(range(2020, 2100)))
            if day not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
