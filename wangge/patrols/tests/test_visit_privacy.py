"""A household visit's needs are never public, whatever their category."""

from django.test import Client

from wangge.cases.models import Case, Category
from wangge.patrols.services import visit_record
from wangge.testing.patrols import household


def test_needs_raised_on_a_visit_stay_out_of_the_public_feed(world):
    # given a visit that raises a need in a public category (a broken street lamp)
    home = household(world.g1, tags=("low_income",))
    lamp = Category.objects.get(code="C0103")
    assert lamp.public
    visit_record(
        actor=world.worker_a,
        household_id=home.id,
        mode="in_person",
        outcome="needs",
        needs=[{"category_id": lamp.id, "description": "家门口路灯不亮"}],
    )
    case = Case.objects.get()
    # when anyone reads the Open311 feed, the request or the tracking page
    client = Client()
    listed = client.get("/open311/v2/requests.json").json()
    single = client.get(f"/open311/v2/requests/{case.number}.json")
    tracked = client.get(f"/cases/track/{case.token}/")
    # then the case is marked private and shown nowhere
    assert case.private
    assert listed == []
    assert single.status_code == 404 and tracked.status_code == 404
