"""Supervisor pages and the app's shell, service worker and manifest."""

from datetime import date

import pytest
from django.test import Client

from wangge.accounts.models import Role, RoleAssignment
from wangge.audit.models import AuditEvent
from wangge.patrols.models import GridAssignment, HouseholdAssignment, Visit
from wangge.patrols.selectors import visit_due_lists
from wangge.testing import make_user, reload
from wangge.testing.patrols import household, visit


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_each_workers_figures_to_community_staff(world, june_calendar):
    # given an overdue monthly household in g1, visited by nobody in June
    visit(household(world.g1, tags=("low_income",)), world.worker_a, date(2026, 5, 1))

    # when
    response = client_for(world.staff).get("/patrols/")

    # then
    assert response.status_code == 200
    rows = [
        (row.worker.username, row.figures.care_due, row.figures.care_done)
        for row in response.context["workers"]
    ]
    assert rows == [("worker_a", 1, 0), ("worker_b", 0, 0)]
    assert [row.area.code for row in response.context["report"].rows] == [
        world.g1.code,
        world.g2.code,
    ]
    assert "按网格员" in response.content.decode()


def test_supervisor_pages_answer_404_to_a_grid_worker(world):
    client = client_for(world.worker_a)
    assert client.get("/patrols/").status_code == 404
    assert client.get("/patrols/overdue/").status_code == 404
    assert client.get("/patrols/assignments/").status_code == 404


def test_overdue_page_lists_counts_by_grid_and_the_households_of_one(world):
    # given
    late = household(world.g1, tags=("low_income",), name="王五")
    visit(late, world.worker_a, date(2026, 5, 1))
    visit(household(world.g3, tags=("low_income",)), world.worker_c, date(2026, 5, 1))

    # when community 1's staff look
    response = client_for(world.staff).get("/patrols/overdue/", {"grid": world.g1.pk})

    # then only their community's grid is counted, and the list shows the household
    assert [(grid.code, total) for grid, total, _ in response.context["rows"]] == [
        (world.g1.code, 1)
    ]
    (row,) = list(response.context["page"])
    assert (row.code, row.head_name, row.days_overdue) == (late.code, "王五", 5)


def test_reassigning_a_grid_moves_future_visits_and_keeps_history(world):
    # given an overdue household of g1 visited by A in May
    home = household(world.g1, tags=("low_income",))
    old = visit(home, world.worker_a, date(2026, 5, 1))
    worker_d = make_user(Role.GRID_WORKER, world.community1, username="worker_d")

    # when the community hands g1 from A to D
    response = client_for(world.staff).post(
        "/patrols/assignments/reassign/",
        {
            "reassign-grid": world.g1.pk,
            "reassign-from_worker": world.worker_a.pk,
            "reassign-to_worker": worker_d.pk,
        },
    )

    # then
    assert response.status_code == 302
    a_row = GridAssignment.objects.get(worker=world.worker_a, grid=world.g1)
    assert a_row.until == date(2026, 6, 10)
    assert GridAssignment.objects.get(worker=worker_d, grid=world.g1).until is None
    assert not RoleAssignment.objects.filter(user=world.worker_a, area=world.g1).exists()
    assert [i.household.id for i in visit_due_lists(worker=reload(worker_d)).overdue] == [home.id]
    assert visit_due_lists(worker=reload(world.worker_a)).overdue == []
    # A held no other grid, so A is no grid worker any more
    assert client_for(world.worker_a).get(f"/api/patrols/households/{home.id}").status_code == 403
    old.refresh_from_db()
    assert old.worker_id == world.worker_a.id
    assert Visit.objects.count() == 1


def test_staff_cannot_reassign_a_grid_outside_their_community(world):
    # when community 1's staff try to take g3 (community 2) from C
    response = client_for(world.staff).post(
        "/patrols/assignments/reassign/",
        {
            "reassign-grid": world.g3.pk,
            "reassign-from_worker": world.worker_c.pk,
            "reassign-to_worker": world.worker_a.pk,
        },
        follow=True,
    )

    # then it is refused and nothing changed
    messages = [str(m) for m in response.context["messages"]]
    assert any("选择一个有效的选项" in m or "不在您的管辖范围内" in m for m in messages)
    assert GridAssignment.objects.get(worker=world.worker_c, grid=world.g3).until is None
    assert not GridAssignment.objects.filter(worker=world.worker_a, grid=world.g3).exists()


def test_household_given_to_one_of_two_workers_of_a_grid(world):
    # given a second worker on g1 and two overdue households
    worker_e = make_user(Role.GRID_WORKER, world.community1, username="worker_e")
    client = client_for(world.staff)
    client.post(
        "/patrols/assignments/assign/", {"assign-grid": world.g1.pk, "assign-worker": worker_e.pk}
    )
    first = household(world.g1, tags=("low_income",))
    second = household(world.g1, tags=("low_income",))
    for home in (first, second):
        visit(home, world.worker_a, date(2026, 5, 1))

    # when the first is given to E
    client.post(
        "/patrols/assignments/household/",
        {"household-household": first.code, "household-worker": worker_e.pk},
    )

    # then E must visit both (the second is shared), A only the second
    assert HouseholdAssignment.objects.get(household=first).worker_id == worker_e.id
    ids = lambda w: [i.household.id for i in visit_due_lists(worker=reload(w)).overdue]  # noqa: E731
    assert ids(worker_e) == [first.id, second.id]
    assert ids(world.worker_a) == [second.id]


def test_unassigning_the_last_worker_leaves_the_grid_unstaffed(world):
    # given
    assignment = GridAssignment.objects.get(worker=world.worker_b, grid=world.g2)

    # when
    client_for(world.staff).post("/patrols/assignments/unassign/", {"assignment": assignment.pk})

    # then
    assignment.refresh_from_db()
    assert assignment.until == date(2026, 6, 10)
    page = client_for(world.staff).get("/patrols/assignments/")
    assert "无人负责" in page.content.decode()


@pytest.mark.parametrize(
    "path", ["/patrols/app/", "/patrols/app/sw.js", "/patrols/app/manifest.webmanifest"]
)
def test_app_files_are_served(world, path):
    response = client_for(world.worker_a).get(path)
    assert response.status_code == 200


def test_service_worker_scope_and_shell(world):
    response = Client().get("/patrols/app/sw.js")
    text = response.content.decode()
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert 'const SHELL = "/patrols/app/";' in text
    assert '"/static/patrols/app.js"' in text
    assert "http" not in text.replace("https://", "").replace("http://", "")


def test_manifest_is_installable(world):
    data = Client().get("/patrols/app/manifest.webmanifest").json()
    assert (data["start_url"], data["scope"], data["display"]) == (
        "/patrols/app/",
        "/patrols/app/",
        "standalone",
    )
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}


def test_app_shell_requires_login(db):
    response = Client().get("/patrols/app/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_admin_lists_patrol_records_in_scope_read_only(world):
    # given a visit in community 1 and one in community 2
    visit(household(world.g1), world.worker_a, date(2026, 6, 1))
    visit(household(world.g3), world.worker_c, date(2026, 6, 1))
    client = client_for(world.street_staff)

    # when
    response = client.get("/admin/patrols/visit/")

    # then the street's two visits, read-only; community staff have no back office
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert client.get("/admin/patrols/visit/add/").status_code == 403
    assert client_for(world.staff).get("/admin/patrols/visit/").status_code == 302


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999999", ""])
def test_unassign_with_a_malformed_id_changes_nothing(world, raw):
    response = client_for(world.staff).post(
        "/patrols/assignments/unassign/", {"assignment": raw}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["该分工不存在或已结束"]
    assert GridAssignment.objects.filter(until__isnull=False).count() == 0


def test_staff_cannot_end_an_assignment_outside_their_community(world):
    # given worker C's assignment in community 2
    assignment = GridAssignment.objects.get(worker=world.worker_c, grid=world.g3)

    # when community 1's staff try to end it
    response = client_for(world.staff).post(
        "/patrols/assignments/unassign/", {"assignment": assignment.pk}, follow=True
    )

    # then the answer is the one a missing id gets (nothing tells the id exists), and
    # the attempt is audited
    assert [str(m) for m in response.context["messages"]] == ["该分工不存在或已结束"]
    assignment.refresh_from_db()
    assert assignment.until is None
    assert RoleAssignment.objects.filter(user=world.worker_c, area=world.g3).exists()
    assert AuditEvent.objects.filter(action="access_denied", actor=world.staff).exists()


def test_unassign_answers_a_missing_id_and_another_areas_id_alike(world):
    # given an id that does not exist and one from another community
    other = GridAssignment.objects.get(worker=world.worker_c, grid=world.g3)
    missing = GridAssignment.objects.order_by("-pk").first().pk + 1000
    client = client_for(world.staff)

    # when
    answers = [
        client.post("/patrols/assignments/unassign/", {"assignment": pk}, follow=True)
        for pk in (missing, other.pk)
    ]

    # then
    assert [[str(m) for m in r.context["messages"]] for r in answers] == [
        ["该分工不存在或已结束"],
        ["该分工不存在或已结束"],
    ]
    assert [r.status_code for r in answers] == [200, 200]


def test_assignments_are_opened_for_grid_worker_roles_without_one(world):
    # given a worker given the role directly (e.g. by an import), without an assignment
    import io

    from django.core.management import call_command

    newcomer = make_user(Role.GRID_WORKER, world.g4, username="newcomer")

    # when
    call_command("patrols_assign_from_roles", stdout=io.StringIO())

    # then
    (row,) = GridAssignment.objects.filter(worker=newcomer)
    assert (row.grid_id, row.since, row.until) == (world.g4.id, date(2026, 6, 10), None)
    assert GridAssignment.objects.count() == 4
