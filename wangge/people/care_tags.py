"""The default care tags (docs/domain.md: high-risk weekly, care groups monthly)."""

DEFAULT_CARE_TAGS = [
    # code, name, cadence, sensitive
    ("elderly_80_alone", "80岁以上独居老人", "weekly", False),
    ("high_risk", "高风险人员", "weekly", True),
    ("elderly_alone", "独居老人", "monthly", False),
    ("low_income", "低保/低收入", "monthly", False),
    ("disabled", "残疾人", "monthly", True),
    ("left_behind_child", "留守儿童", "monthly", False),
    ("extreme_poverty", "特困供养", "monthly", False),
    ("community_correction", "社区矫正对象", "monthly", True),
    ("released_prisoner", "刑满释放人员", "monthly", True),
    ("severe_mental_illness", "严重精神障碍患者", "monthly", True),
    ("drug_rehab", "社区戒毒康复人员", "monthly", True),
]
