from datetime import date
from decimal import Decimal

import pytest

from wangge.core.errors import ApplicationError
from wangge.training import services
from wangge.training.ledger import annual_ledger, cadre_ledger
from wangge.training.models import CreditRules, CreditSource, Enrolment, EnrolmentStatus


def test_check_in_credits_the_class_hours(tw):
    # when
    services.check_in(actor=tw.cadre_user, token=tw.full_time.token)
    # then
    (year,) = cadre_ledger(cadre=tw.cadre, years=[2026])
    assert year.by_source == {CreditSource.ORGANISED: Decimal("35.0")}
    assert year.missing == Decimal("55.0")
    assert not year.met


def test_a_resent_scan_is_one_attendance(tw):
    first = services.check_in(actor=tw.cadre_user, token=tw.full_time.token)
    again = services.check_in(actor=tw.cadre_user, token=tw.full_time.token)
    assert first.pk == again.pk


def test_not_enrolled_cadre_cannot_check_in(tw):
    from wangge.testing.users import make_user

    lone = make_user("cadre", tw.street)
    services.cadre_create(actor=tw.organiser, unit_id=tw.unit_b.pk, name="赵", group="township", user=lone)
    lone.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.check_in(actor=lone, token=tw.full_time.token)


def test_leave_over_a_seventh_withdraws_and_rejection_reinstates(tw):
    # given 35 hours: a seventh is 5
    services.check_in(actor=tw.second_user, token=tw.full_time.token)
    services.leave_request(actor=tw.second_user, class_id=tw.full_time.pk, hours=5, reason="病假")
    assert Enrolment.objects.get(cadre=tw.second).status == EnrolmentStatus.ENROLLED
    (year,) = cadre_ledger(cadre=tw.second, years=[2026])
    assert year.total == Decimal("30.0")
    # when
    leave = services.leave_request(actor=tw.second_user, class_id=tw.full_time.pk, hours=1, reason="事假", key="k1")
    again = services.leave_request(actor=tw.second_user, class_id=tw.full_time.pk, hours=1, reason="事假", key="k1")
    # then
    assert leave.pk == again.pk
    assert Enrolment.objects.get(cadre=tw.second).status == EnrolmentStatus.WITHDRAWN
    assert cadre_ledger(cadre=tw.second, years=[2026])[0].total == 0
    services.leave_decide(actor=tw.organiser, leave_id=leave.pk, approve=False)
    assert Enrolment.objects.get(cadre=tw.second).status == EnrolmentStatus.ENROLLED


def test_online_minutes_convert_by_the_rules(tw):
    for minutes in (45, 20, 10):
        services.credit_record_add(actor=tw.officer_a, cadre_id=tw.cadre.pk, source="online",
                                   on=date(2026, 3, 1), title="网课", minutes=minutes)
    services.credit_record_add(actor=tw.officer_a, cadre_id=tw.cadre.pk, source="teaching",
                               on=date(2026, 3, 2), title="授课", hours=3)
    services.credit_record_add(actor=tw.officer_a, cadre_id=tw.cadre.pk, source="publication",
                               on=date(2026, 3, 2), title="文章")
    (year,) = cadre_ledger(cadre=tw.cadre, years=[2026])
    assert year.by_source[CreditSource.ONLINE] == Decimal("1.75")
    assert year.by_source[CreditSource.TEACHING] == Decimal("6.00")
    assert year.by_source[CreditSource.PUBLICATION] == Decimal("5.00")


def test_days_mode_and_carry_over(tw):
    CreditRules.objects.create(hours_per_day=6, carry_over_cap=10)
    trip = services.class_create(actor=tw.organiser, title="红色研学", start=date(2025, 5, 1),
                                 end=date(2025, 5, 20), hours=8, kind="red_trip", area=tw.city,
                                 credit_mode="days")
    services.enrol_cadres(actor=tw.officer_a, class_id=trip.pk, cadre_ids=[tw.cadre.pk])
    Enrolment.objects.filter(training_class=trip).update(first_check_in=trip.created_at)
    last, this = cadre_ledger(cadre=tw.cadre, years=[2025, 2026])
    assert last.total == Decimal("120.00") and last.met
    assert this.carried_in == Decimal("10.0")
    assert this.missing == Decimal("80.0")


def test_days_requirement_meets_township_cadres(tw):
    long = services.class_create(actor=tw.organiser, title="长班", start=date(2026, 1, 5),
                                 end=date(2026, 1, 16), hours=40, kind="classroom", area=tw.city)
    services.enrol_cadres(actor=tw.officer_a, class_id=long.pk, cadre_ids=[tw.cadre.pk])
    Enrolment.objects.filter(training_class=long).update(first_check_in=long.created_at)
    (year,) = cadre_ledger(cadre=tw.cadre, years=[2026])
    assert year.days == 12 and year.met


def test_county_cadres_count_over_the_cycle(tw):
    services.credit_record_add(actor=tw.officer_b, cadre_id=tw.other.pk, source="unit",
                               on=date(2024, 3, 1), title="单位培训", hours=100)
    services.credit_record_add(actor=tw.officer_b, cadre_id=tw.other.pk, source="unit",
                               on=date(2026, 3, 1), title="单位培训", hours=50)
    (year,) = cadre_ledger(cadre=tw.other, years=[2026])
    # 550 over 2023–2027: 150 done
    assert year.missing == Decimal("400.0")


def test_annual_ledger_lists_every_cadre_in_scope(tw):
    services.check_in(actor=tw.cadre_user, token=tw.full_time.token)
    from wangge.training.selectors import cadres_visible_to
    rows = annual_ledger(cadres=cadres_visible_to(tw.officer_a), year=2026)
    assert {r.name for r in rows} == {"张明", "李华"}
    assert {r.name: r.year.total for r in rows}["张明"] == Decimal("35.0")
