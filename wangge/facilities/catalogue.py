"""The default facility types and service catalogue (seeded by migration 0002; both are
rows afterwards, edited in the back office). Types follow the article's positions; the
rest station (红色驿站) services are the 18 of the practice it describes."""

from django.utils.translation import gettext_noop

# (code, name, circle, order)
DEFAULT_TYPES = [
    ("party_center", gettext_noop("党群服务中心"), "15", 10),
    ("new_groups", gettext_noop("两新组织活动阵地"), "15", 20),
    ("estate_station", gettext_noop("小区服务站"), "5", 30),
    ("rest_station", gettext_noop("红色驿站"), "10", 40),
    ("truck_station", gettext_noop("货车司机之家"), "15", 50),
    ("village_finance", gettext_noop("村级金融服务站"), "15", 60),
]

# (code, name)
DEFAULT_SERVICES = [
    ("policy", gettext_noop("政策宣传")),
    ("rest", gettext_noop("休息")),
    ("charging", gettext_noop("充电")),
    ("water", gettext_noop("饮水")),
    ("microwave", gettext_noop("微波炉加热")),
    ("toilet", gettext_noop("如厕")),
    ("meal_discount", gettext_noop("爱心餐优惠")),
    ("legal_aid", gettext_noop("法律援助")),
    ("first_aid", gettext_noop("应急药箱")),
    ("umbrella", gettext_noop("爱心雨伞")),
    ("repair_kit", gettext_noop("维修工具")),
    ("reading", gettext_noop("阅读")),
    ("wifi", gettext_noop("无线网络")),
    ("psych", gettext_noop("心理疏导")),
    ("job_info", gettext_noop("就业信息")),
    ("party_study", gettext_noop("党员学习")),
    ("volunteer", gettext_noop("志愿服务")),
    ("complaint", gettext_noop("诉求反映")),
]

# How many of each type the seed city has (the article's counts); the demo scales them.
SEED_COUNTS = {
    "party_center": 336,
    "new_groups": 92,
    "estate_station": 210,
    "rest_station": 347,
    "truck_station": 14,
}
