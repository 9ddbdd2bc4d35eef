"""Writes across units: denied ones leave no trace."""

from datetime import date

import pytest
from django.urls import reverse

from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.training import services
from wangge.training.models import CreditRecord, Enrolment, Need


def test_officer_cannot_enrol_another_units_cadre(tw):
    extra = services.class_create(actor=tw.organiser, title="专题班", start=date(2026, 7, 1),
                                  end=date(2026, 7, 1), hours=3, kind="classroom", area=tw.city)
    with pytest.raises(ApplicationError):
        services.enrol_cadres(actor=tw.officer_a, class_id=extra.pk, cadre_ids=[tw.other.pk])
    assert not Enrolment.objects.filter(training_class=extra).exists()


def test_officer_enrols_only_in_classes_the_unit_chose(tw):
    chosen_by_b = services.class_create(actor=tw.organiser, title="街道专题班", start=date(2026, 7, 1),
                                        end=date(2026, 7, 1), hours=3, kind="classroom", area=tw.city,
                                        unit_ids=[tw.unit_b.pk])
    with pytest.raises(NotFoundOrForbidden):
        services.enrol_cadres(actor=tw.officer_a, class_id=chosen_by_b.pk, cadre_ids=[tw.cadre.pk])
    services.enrol_cadres(actor=tw.officer_b, class_id=chosen_by_b.pk, cadre_ids=[tw.other.pk])
    assert list(Enrolment.objects.filter(training_class=chosen_by_b).values_list("cadre__name", flat=True)) == ["王强"]


def test_cadre_sees_only_own_record(client, tw):
    client.force_login(tw.cadre_user)
    assert client.get(reverse("training:cadre", args=[tw.cadre.pk])).status_code == 200
    assert client.get(reverse("training:cadre", args=[tw.second.pk])).status_code == 404
    assert client.get(reverse("training:ledger")).status_code == 404


def test_only_organisers_decide_leave(tw):
    leave = services.leave_request(actor=tw.second_user, class_id=tw.full_time.pk, hours=1, reason="事假")
    with pytest.raises(PermissionRefused):
        services.leave_decide(actor=tw.officer_a, leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.status == "pending"


def test_cadre_cannot_record_hours_or_meeting_needs(tw):
    with pytest.raises(PermissionRefused):
        services.credit_record_add(actor=tw.cadre_user, cadre_id=tw.cadre.pk, source="unit",
                                   on=date(2026, 1, 1), title="x", hours=3)
    with pytest.raises(NotFoundOrForbidden):
        services.need_submit(actor=tw.officer_a, category_id=1, text="x", source="meeting", unit_id=tw.unit_b.pk)
    assert not CreditRecord.objects.exists() and not Need.objects.exists()


def test_withdrawn_cadre_cannot_check_in(tw):
    services.leave_request(actor=tw.second_user, class_id=tw.full_time.pk, hours=10, reason="病假")
    with pytest.raises(ApplicationError) as raised:
        services.check_in(actor=tw.second_user, token=tw.full_time.token)
    assert raised.value.code == "withdrawn"
