"""Texts and routes of the cases app's part of the demo history (``wangge.cases.demo``)."""

from __future__ import annotations

import random

from wangge.cases.models import Category, Satisfaction

# Street-scene categories go to city departments (abbreviations as in accounts.demo); community
# matters (S…) have no rule, so the street accepts them and hands them to the community.
DEMO_ROUTES = (
    ("E01", "CG"),
    ("E02", "CG"),
    ("E04", "CG"),
    ("C03", "CG"),
    ("C0103", "CG"),
    ("E03", "ZJ"),
    ("C04", "ZJ"),
    ("C0104", "ZJ"),
    ("C0101", "SW"),
    ("C0102", "SW"),
    ("E0502", "SW"),
    ("C0105", "GD"),
    ("C0106", "RQ"),
    ("E0503", "RQ"),
    ("C02", "JT"),
    ("C0201", "GA"),
    ("E05", "YJ"),
)
# Where a street sends unrouted categories (by top-level code): (level, abbreviation).
STREET_CHOICES = {
    "S03": [("district", "MZ"), ("city", "MZ")],
    "S05": [("city", "YJ"), ("district", "ZJ")],
}
# A returned case goes to the district's counterpart (or the district's 城管 if none).
DISTRICT_ABBRS = ("CG", "ZJ", "GA", "MZ", "SJ")

# ---------------------------------------------------------------- texts

DESCRIPTIONS = {
    "C01": ["{place}附近{name}，存在安全隐患，请尽快处理。", "{place}{name}，居民出行不便。"],
    "C02": ["{place}路口{name}，影响车辆通行。", "{place}门前{name}，雨天积水严重。"],
    "C03": ["{place}周边{name}，影响环境。", "{place}绿化带{name}，多日无人管理。"],
    "C04": ["{place}有{name}情况，群众反映强烈。", "{place}发现{name}，请相关部门核查。"],
    "E01": ["{place}楼下{name}，气味较大。", "{place}附近{name}多日无人清理。"],
    "E02": ["{place}单元门口{name}，影响市容。", "{place}临街墙面{name}较多。"],
    "E03": ["{place}附近{name}，夜间仍在施工。", "{place}周边{name}，居民意见较大。"],
    "E04": ["{place}门口{name}，占用人行道。", "{place}附近{name}，影响通行。"],
    "E05": ["{place}发生{name}，请立即处置！", "{place}附近{name}，现场已设置警示。"],
    "S01": ["{place}居民反映{name}问题，希望协调解决。", "{place}{name}，物业迟迟未处理。"],
    "S02": ["{place}住户之间{name}，需要调解。", "{place}居民反映{name}，多次沟通未果。"],
    "S03": ["{place}居民家庭困难，需要{name}。", "{place}一户居民提出{name}需求。"],
    "S04": ["{place}居民反映{name}需求。", "{place}居民咨询{name}事宜。"],
    "S05": ["{place}存在{name}，请及时排除。", "{place}{name}，有安全风险。"],
}
RESULTS = [
    "已安排人员到场处置，问题已解决。",
    "已完成维修，现场恢复正常。",
    "已协调相关单位处理完毕，并向群众反馈。",
    "已清理完毕，后续纳入日常巡查。",
    "经协调，双方达成一致，问题已化解。",
]
REJECT_REASONS = [
    "重复上报，已合并至此前案件办理。",
    "经现场核实，问题不存在。",
    "经核实不属于本辖区，已告知上报人。",
]
RETURN_REASONS = ["经核实不属于本单位职责范围，请重新派遣。", "该问题涉及产权单位，非本单位职责。"]
ESCALATE_REASONS = ["社区协调无果，提请街道处理。", "部门退回，需街道协调派遣。"]
SUPERVISE_NOTES = ["已超过办理时限，请加快办理并及时反馈。", "群众多次催办，请尽快办结。"]
VERIFY_FAIL_NOTES = ["现场核查问题仍未解决，请返工。", "处置不彻底，仍有残留，请重新处理。"]
COMMENTS = {
    Satisfaction.SATISFIED: ["处理及时，非常满意。", "感谢网格员和工作人员！", ""],
    Satisfaction.BASIC: ["基本解决，希望以后更快一些。", ""],
    Satisfaction.UNSATISFIED: ["问题没有彻底解决。", "处理太慢，不满意。"],
}
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

FINDING_GROUPS = ("E01", "E02", "E03", "E04", "C01", "C02", "C03", "S05")


def describe(category: Category, place: str, rng: random.Random) -> str:
    """A reporter's description of a problem of ``category`` at ``place``."""
    template = rng.choice(DESCRIPTIONS.get(category.code[:3], ["{place}：{name}。"]))
    return template.format(place=place, name=category.name)
