"""The consultation and property figures for a month, through the indicator engine."""

from datetime import date
from decimal import Decimal

from wangge.areas.models import Estate
from wangge.consultation import services
from wangge.consultation.models import MeetingKind
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.property import services as property_services


def test_meetings_resolutions_and_fees_for_a_month(world):
    staff = world.community_staff
    meeting = services.meeting_create(actor=staff, community=world.community, kind=MeetingKind.TALK,
                                      title="恳谈会", date=date(2026, 6, 12), place="活动室")
    services.meeting_record(actor=staff, meeting_id=meeting.pk, minutes="纪要")
    done = services.resolution_create(actor=staff, community=world.community, title="一",
                                      owner="居委会", due_date=date(2026, 6, 30))
    services.resolution_create(actor=staff, community=world.community, title="二",
                               owner="居委会", due_date=date(2026, 6, 30))
    services.resolution_update(actor=staff, resolution_id=done.pk, progress=100)
    estate = Estate.objects.create(grid=world.grid, name="幸福小区")
    property_services.fee_record(actor=staff, estate=estate, period=date(2026, 6, 1),
                                 amount_due=Decimal("1000"), amount_paid=Decimal("900"),
                                 households_due=10, households_paid=8)
    figures = area_figures(user=world.city_officer, area=world.city, period=Period(2026, 6), codes=[
        "talk_meeting_rate", "resolution_on_time_rate", "fee_amount_rate", "fee_household_rate",
    ])
    # 8 communities in the test city, one held its talk
    assert figures.total == {"talk_meeting_rate": 12.5, "resolution_on_time_rate": 50.0,
                             "fee_amount_rate": 90.0, "fee_household_rate": 80.0}


def test_the_figures_drill_down_to_the_records_of_the_area_and_month(client, world):
    from wangge.indicators.definitions import INDICATORS

    staff = world.community_staff
    services.resolution_create(actor=staff, community=world.community, title="六月到期",
                               owner="居委会", due_date=date(2026, 6, 30))
    services.resolution_create(actor=staff, community=world.community, title="七月到期",
                               owner="居委会", due_date=date(2026, 7, 30))
    url = INDICATORS["resolution_on_time_rate"].drill(world.community, Period(2026, 6), None)
    assert url == f"/consultation/resolutions/?area={world.community.code}&month=2026-06"
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert "六月到期" in html and "七月到期" not in html
    fees = INDICATORS["fee_amount_rate"].drill(world.city, Period(2026, 6), None)
    assert client.get(fees).status_code == 200
