"""Devolved powers in the demo city: the city's standard list of 99 items; in the history
every street's catalogue, some exercise records and, once the history's summonses and
cases exist, one year's assessments of the stationed offices (submitted, prefilled from
the system's figures)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from wangge.accounts.models import Department
from wangge.areas.models import Area, AreaKind
from wangge.core import clock

from .models import (
    Assessment,
    CriterionSource,
    PowerExercise,
    PowerItem,
    PowerKind,
    StreetPower,
)
from .scoring import criteria_in_force, weighted_total

FULL_ITEMS = 99
ADMIN_SUBJECTS = [
    ("对违法设置户外广告设施的处罚", "城管"), ("对占道经营的处罚", "城管"), ("对违法建设的查处", "住建"),
    ("对餐饮油烟超标排放的处罚", "生态环境"), ("对未按规定分类投放生活垃圾的处罚", "城管"),
    ("对擅自占用城市绿地的处罚", "城管"), ("对无照经营的查处", "市场监管"), ("对违规停放车辆的处理", "公安"),
    ("对擅自挖掘城市道路的处罚", "住建"), ("对燃气使用安全隐患的检查", "燃气"),
]
RIGHTS = [
    (PowerKind.PROPOSE, "辖区重大决策和重大项目建议权、参与权"),
    (PowerKind.COMMAND, "辖区应急事件统一指挥调度权"),
    (PowerKind.ASSESS, "派驻机构负责人考核评价权"),
    (PowerKind.APPOINT, "派驻机构负责人任免建议权"),
]
MATTERS = ["联合执法整治占道经营", "拆除违规广告牌", "处置燃气泄漏险情", "组织防汛应急演练",
           "对老旧小区改造项目提出意见", "对派出所所长年度考核", "查处违法建设一处"]


def city_populate(build) -> None:
    departments = [d for d in build.departments if d.area_id == build.area_ids.get("150200")]
    by_name = {d.name[:2]: d for d in departments}
    items = []
    for k in range(FULL_ITEMS - len(RIGHTS)):
        subject, dept = ADMIN_SUBJECTS[k % len(ADMIN_SUBJECTS)]
        items.append(PowerItem(
            code=f"BT{k + 1:03d}", name=f"{subject}（{k // len(ADMIN_SUBJECTS) + 1}）" if k >= len(ADMIN_SUBJECTS) else subject,
            kind=PowerKind.ADMINISTRATIVE, legal_basis="《内蒙古自治区赋予街道（乡镇）行政执法事项目录》",
            department=by_name.get(dept[:2]),
        ))
    items += [
        PowerItem(code=f"BT{FULL_ITEMS - len(RIGHTS) + k + 1:03d}", name=name, kind=kind,
                  legal_basis="《关于加强基层治理体系和治理能力现代化建设的意见》")
        for k, (kind, name) in enumerate(RIGHTS)
    ]
    PowerItem.objects.bulk_create(items)
    build.stats.figures["power_items"] = len(items)


def history_exists() -> bool:
    return StreetPower.objects.exists()


def history_prepare(world) -> None:
    rng = world.rng("powers")
    items = list(PowerItem.objects.order_by("code"))
    rights = [i for i in items if i.kind != PowerKind.ADMINISTRATIVE]
    taken = []
    for street in Area.objects.filter(kind=AreaKind.STREET).order_by("path"):
        chosen = rng.sample([i for i in items if i.kind == PowerKind.ADMINISTRATIVE], k=min(len(items) - len(rights), rng.randint(40, 95)))
        for item in chosen + rights:
            taken.append(StreetPower(street=street, item=item, area_path=street.path,
                                     received_on=world.start_day - timedelta(days=rng.randint(30, 400)),
                                     agreement=f"赋权交接〔{world.today.year - 1}〕{rng.randint(1, 99)}号"))
    taken = StreetPower.objects.bulk_create(taken, batch_size=2000)
    now = clock.now()
    exercises = [
        PowerExercise(power=p, area_path=p.area_path, date=world.start_day + timedelta(days=rng.randrange(max(1, (world.today - world.start_day).days))),
                      matter=rng.choice(MATTERS), outcome="已办结", documents=f"执法文书{rng.randint(1000, 9999)}号",
                      created_at=now)
        for p in taken if rng.random() < 0.08
    ]
    PowerExercise.objects.bulk_create(exercises, batch_size=2000)


def history_start(world) -> None:
    world.spawn(world.until - timedelta(minutes=5), _assess(world))


def _assess(world):
    """At the end of the history: each street assesses its stationed offices for the year."""
    assess_year(rng=world.rng("powers-assess"), year=world.today.year)
    return
    yield


def assess_year(*, rng, year: int) -> int:
    from wangge.cases.selectors import summons_department_figures

    criteria = criteria_in_force()
    start = datetime.combine(datetime(year, 1, 1).date(), time(0), tzinfo=clock.LOCAL_TZ)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time(0), tzinfo=clock.LOCAL_TZ)
    rows = []
    now = clock.now()
    for street in Area.objects.filter(kind=AreaKind.STREET).order_by("path"):
        summons = summons_department_figures(street_id=street.pk, start=start, end=end)
        for department in Department.objects.filter(area__path=street.path[: Area.steplen * 2]):
            calls = summons.get(department.pk, {})
            figures = {
                CriterionSource.SUMMONS_CHECK_IN: round(100.0 * calls["on_time"] / calls["calls"], 1) if calls.get("calls") else None,
                CriterionSource.SUMMONS_RATING: round(calls["stars"] * 20, 1) if calls.get("stars") else None,
                CriterionSource.CLOSED_LOOP: round(rng.uniform(70, 98), 1),
                CriterionSource.STREET: round(rng.uniform(75, 98), 1),
            }
            scores = {str(c.pk): figures.get(c.source) for c in criteria}
            rows.append(Assessment(street=street, department=department, year=year, area_path=street.path,
                                   scores=scores, total=weighted_total(scores, criteria) or Decimal(0),
                                   status=Assessment.Status.SUBMITTED, updated_at=now))
    Assessment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def history_figures() -> dict:
    return {"street_powers": StreetPower.objects.count(), "power_uses": PowerExercise.objects.count(),
            "assessments": Assessment.objects.count()}


def history_summary(figures: dict) -> str:
    return (f"街道承接赋权事项 {figures['street_powers']} 项，行权 {figures['power_uses']} 次，"
            f"考核派驻机构 {figures['assessments']} 家次")
