from datetime import datetime

from wangge.consultation.models import Meeting, Resolution, ResolutionStatus
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.property.models import (
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    SatisfactionRating,
)

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_the_demo_city_has_property_and_consultation(db):
    with clock.simulated(lambda: NOW):
        city_generate(scale=0.005, seed=5, districts=["150206"])
    modes = set(EstateProfile.objects.values_list("mode", flat=True))
    assert modes == set(ManagementMode.values)
    assert FeeRecord.objects.exists() and SatisfactionRating.objects.exists()
    assert OpinionEntry.objects.filter(replied_at__isnull=False).exists()
    assert Meeting.objects.filter(held=True).exists()
    assert set(Resolution.objects.values_list("status", flat=True)) == set(ResolutionStatus.values)


def test_the_demo_history_tells_the_consultation_and_opinion_book_stories(db, settings, tmp_path):
    from django.test import override_settings

    from wangge.accounts.models import User
    from wangge.consultation.models import Attendance, ResolutionUpdate
    from wangge.demo.history import activity_generate
    from wangge.property import selectors
    from wangge.property.demo import DEMO_LOGIN
    from wangge.property.models import CompanyStaff, PropertyCompany, ReplyBy

    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.simulated(lambda: NOW), override_settings(WANGGE_DEMO=True):
        city_generate(scale=0.005, seed=5, districts=["150206"])
        stats = activity_generate(seed=11, days=120)
        assert stats.refused == 0, stats.refusals
        # consultation: monthly talks with expected attendance per role, QR check-ins,
        # minutes, resolutions followed to done (and some cancelled) through the services
        talks = Meeting.objects.filter(place__contains="议事厅")
        assert talks.count() >= 3 and all(m.held and m.expected_by_role for m in talks)
        assert Attendance.objects.filter(meeting__in=talks).count() > 20
        followed = ResolutionUpdate.objects.filter(resolution__meeting__in=talks)
        assert followed.filter(status=ResolutionStatus.DONE).exists()
        assert stats.figures["history_proposals"] >= 3
        # the opinion book: written by residents, answered by the company's login
        wuye = User.objects.get(username=DEMO_LOGIN)
        written = OpinionEntry.objects.filter(client_key__startswith="demo-h-opinion")
        assert written.filter(replied_by=wuye, reply_by=ReplyBy.COMPANY).exists()
        # the company login sees its company's estates only
        company = CompanyStaff.objects.get(user=wuye).company
        visible = selectors.estates_visible_to(wuye)
        assert visible.exists()
        assert not visible.exclude(property_profile__company=company).exists()
        # property cases of the year are stored against their estate (as the periodic task does)
        from wangge.property.models import CaseEstate

        assert stats.figures["property_cases_linked"] == CaseEstate.objects.count() > 0
        # 红色物业: companies with their party branch under the 物业行业党委
        assert PropertyCompany.objects.filter(party_org__industry="property").exists()
