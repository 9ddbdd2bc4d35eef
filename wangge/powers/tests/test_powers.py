from datetime import date

import pytest
from django.urls import reverse

from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.powers import services
from wangge.powers.models import Assessment, Criterion, CriterionSource, PowerExercise, StreetPower


def test_street_takes_on_and_records_use(world, items):
    power = services.power_take_on(actor=world.street_staff, street_id=world.street.pk,
                                   item_id=items[0].pk, received_on=date(2025, 1, 1), agreement="包政赋〔2025〕1号")
    first = services.exercise_record(actor=world.street_staff, power_id=power.pk, on=date(2025, 3, 1),
                                     matter="拆除违规广告牌", key="k1")
    again = services.exercise_record(actor=world.street_staff, power_id=power.pk, on=date(2025, 3, 1),
                                     matter="拆除违规广告牌", key="k1")
    assert first.pk == again.pk
    with pytest.raises(ApplicationError):
        services.power_take_on(actor=world.street_staff, street_id=world.street.pk,
                               item_id=items[0].pk, received_on=date(2025, 1, 1))


def test_another_street_cannot_write_or_read(world, items, other_street_staff, client):
    power = services.power_take_on(actor=world.street_staff, street_id=world.street.pk,
                                   item_id=items[0].pk, received_on=date(2025, 1, 1))
    with pytest.raises(NotFoundOrForbidden):
        services.power_take_on(actor=other_street_staff, street_id=world.street.pk,
                               item_id=items[1].pk, received_on=date(2025, 1, 1))
    with pytest.raises(NotFoundOrForbidden):
        services.exercise_record(actor=other_street_staff, power_id=power.pk, on=date(2025, 3, 1), matter="x")
    assert StreetPower.objects.count() == 1 and not PowerExercise.objects.exists()
    client.force_login(other_street_staff)
    assert client.get(reverse("powers:street", args=[world.street.pk])).status_code == 404
    assert client.get(reverse("powers:exercises", args=[world.street.pk])).status_code == 404
    response = client.post(reverse("powers:assess", args=[world.street.pk, world.other_department.pk]), {"c1": "90"})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_assessment_is_prefilled_from_summons(world, summoned, client):
    client.force_login(world.street_staff)
    url = reverse("powers:assess", args=[world.street.pk, world.other_department.pk]) + "?year=2025"
    page = client.get(url).content.decode()
    rating = Criterion.objects.get(source=CriterionSource.SUMMONS_RATING)
    check_in = Criterion.objects.get(source=CriterionSource.SUMMONS_CHECK_IN)
    assert f'name="c{rating.pk}" inputmode="decimal" value="80.0"' in page
    assert f'name="c{check_in.pk}" inputmode="decimal" value="100.0"' in page
    assert "吹哨报到 1 次" in page
    street = Criterion.objects.get(source=CriterionSource.STREET)
    form = {f"c{c.pk}": "" for c in Criterion.objects.all()}
    form.update({f"c{rating.pk}": "80", f"c{check_in.pk}": "100", f"c{street.pk}": "90", "version": "0", "submit": "1"})
    assert client.post(url, form).status_code == 302
    assessment = Assessment.objects.get()
    # closed loop has no figure for other_department: 25×100 + 25×80 + 20×90 over 70
    assert float(assessment.total) == pytest.approx(90.0)
    assert assessment.status == "submitted"
    again = client.post(url, form)
    assert "已提交" in again.content.decode()


def test_stale_version_conflicts(world, summoned):
    street = Criterion.objects.get(source=CriterionSource.STREET)
    services.assessment_save(actor=world.street_staff, street_id=world.street.pk,
                             department_id=world.other_department.pk, year=2025, scores={str(street.pk): 80})
    with pytest.raises(ApplicationError) as raised:
        services.assessment_save(actor=world.street_staff, street_id=world.street.pk,
                                 department_id=world.other_department.pk, year=2025,
                                 scores={str(street.pk): 70}, version=0)
    assert raised.value.code == "conflict"


def test_results_page_and_export(world, summoned, client):
    street = Criterion.objects.get(source=CriterionSource.STREET)
    services.assessment_save(actor=world.street_staff, street_id=world.street.pk,
                             department_id=world.other_department.pk, year=2025, scores={str(street.pk): 80})
    client.force_login(world.district_officer)
    assert "住建局" in client.get(reverse("powers:results"), {"year": 2025}).content.decode()
    assert client.get(reverse("powers:results_export"), {"year": 2025}).status_code == 200


@pytest.mark.parametrize("name", ["street", "exercises", "assessments"])
def test_street_pages_render(world, items, client, name):
    client.force_login(world.street_staff)
    assert client.get(reverse(f"powers:{name}", args=[world.street.pk])).status_code == 200
    client.force_login(world.city_officer)
    assert client.get(reverse("powers:home")).status_code == 200


def test_api_is_scoped(world, items, other_street_staff, client):
    services.power_take_on(actor=world.street_staff, street_id=world.street.pk,
                           item_id=items[0].pk, received_on=date(2025, 1, 1))
    client.force_login(world.street_staff)
    assert [p["code"] for p in client.get(f"/api/powers/streets/{world.street.pk}/powers").json()] == ["BT001"]
    client.force_login(other_street_staff)
    assert client.get(f"/api/powers/streets/{world.street.pk}/powers").status_code == 404
