"""Overdue resolutions and opinion-book entries tell their community's staff, once."""

from datetime import date, timedelta

from wangge.areas.models import Estate
from wangge.consultation import services
from wangge.notifications.models import Notice
from wangge.notifications.services import notices_scan_deadlines
from wangge.property import services as property_services


def test_overdue_items_notify_the_communitys_staff_once(world, frozen):
    services.resolution_create(actor=world.community_staff, community=world.community, title="修路灯",
                               owner="城管局", due_date=date(2026, 6, 1))
    estate = Estate.objects.create(grid=world.grid, name="幸福小区")
    property_services.opinion_write(actor=None, estate=estate, text="楼道灯坏了")
    frozen(frozen.now + timedelta(days=10))
    notices_scan_deadlines()
    notices_scan_deadlines()
    assert sorted(Notice.objects.values_list("recipient__username", "title")) == [
        ("cs", "“幸福小区”意见簿有留言超期未答复"),
        ("cs", "决议事项“修路灯”已逾期，请更新进度"),
    ]
