"""An out-of-scope object answers 404 through the API exactly as through the pages, and
both write the same denial row (issue 9, item 5)."""

import pytest
from django.test import Client

from wangge.audit.models import AuditEvent, Outcome
from wangge.testing import build_city, make_household, make_resident
from wangge.testing.cases import CaseFactory
from wangge.testing.worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A grid worker of one district; a resident, household and case of the other."""
    world = build_world(build_city())
    household = make_household(world.other_grid)
    resident = make_resident(household)
    case = CaseFactory.reported(world, grid=world.other_grid)
    return world, household, resident, case


def _denials(user) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(action="access_denied", actor=user, outcome=Outcome.DENIED)
    return list(rows.values_list("object_type", "object_id"))


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/people/residents/{resident}"),
        ("post", "/api/people/residents/{resident}/reveal"),
        ("get", "/api/people/households/{household}"),
        ("get", "/api/cases/{case}"),
        ("post", "/api/cases/{case}/accept"),
        ("get", "/api/areas/{area}/children"),
        ("get", "/residents/{resident}/"),
        ("post", "/residents/{resident}/reveal/id_number/"),
        ("get", "/households/{household}/"),
        ("get", "/cases/{case}/"),
    ],
)
def test_out_of_scope_404_is_audited_through_api_and_pages_alike(setting, method, url):
    # given a worker and objects of another district
    world, household, resident, case = setting
    client = Client()
    client.force_login(world.grid_worker)
    path = url.format(
        resident=resident.pk, household=household.pk, case=case.pk, area=world.other_district.pk
    )
    # when the worker asks for one of them
    if method == "post":
        response = client.post(path, {"field": "id_number"}, content_type="application/json")
    else:
        response = client.get(path)
    # then the answer is a plain not-found, and one denial row names the worker and the path
    assert response.status_code == 404
    assert _denials(world.grid_worker) == [("page", path[:64])]


def test_a_public_lookup_of_an_unknown_token_is_not_a_denial(setting):
    # given no one signed in
    client = Client()
    # when a wrong tracking token is asked for through the API and the page
    assert client.get("/api/cases/track/ABCDEFGHJKLMNPQR").status_code == 404
    assert client.get("/cases/track/ABCDEFGHJKLMNPQR/").status_code == 404
    # then nothing is written: there is no one whose scope was overstepped
    assert not AuditEvent.objects.filter(action="access_denied").exists()
