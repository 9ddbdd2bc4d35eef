"""The default facility types and service catalogue (seeded by migration 0002; both are
rows afterwards, edited in the back office). Types follow the article's positions; the
rest station (红色驿站) services are the 18 of the practice it describes."""

from django.utils.translation import gettext_noop as N_

# (code, name, circle, order)
DEFAULT_TYPES = [
    ("party_center", N_("党群服务中心"), "15", 10),
    ("new_groups", N_("两新组织活动阵地"), "15", 20),
    ("estate_station", N_("小区服务站"), "5", 30),
    ("rest_station", N_("红色驿站"), "10", 40),
    ("truck_station", N_("货车司机之家"), "15", 50),
    ("village_finance", N_("村级金融服务站"), "15", 60),
]

# (code, name)
DEFAULT_SERVICES = [
    ("policy", N_("政策宣传")),
    ("rest", N_("休息")),
    ("charging", N_("充电")),
    ("water", N_("饮水")),
    ("microwave", N_("微波炉加热")),
    ("toilet", N_("如厕")),
    ("meal_discount", N_("爱心餐优惠")),
    ("legal_aid", N_("法律援助")),
    ("first_aid", N_("应急药箱")),
    ("umbrella", N_("爱心雨伞")),
    ("repair_kit", N_("维修工具")),
    ("reading", N_("阅读")),
    ("wifi", N_("无线网络")),
    ("psych", N_("心理疏导")),
    ("job_info", N_("就业信息")),
    ("party_study", N_("党员学习")),
    ("volunteer", N_("志愿服务")),
    ("complaint", N_("诉求反映")),
]

# How many of each type the seed city has (the article's counts); the demo scales them.
SEED_COUNTS = {
    "party_center": 336,
    "new_groups": 92,
    "estate_station": 210,
    "rest_station": 347,
    "truck_station": 14,
}
