"""Dashboards are scoped: a street officer's figures are their street's, nothing else."""

import pytest

from wangge.accounts.services import role_assign
from wangge.audit.models import AuditEvent, Outcome
from wangge.core.errors import NotFoundOrForbidden
from wangge.indicators.periods import Period
from wangge.indicators.selectors import (
    area_figures,
    dashboard_area_get_for_user,
    dashboard_roots,
    department_ranking,
    indicator_value,
    monthly_trend,
)
from wangge.testing import Role, make_user

MARCH = Period(2026, 3)


@pytest.fixture
def street_officer(data):
    return make_user(Role.STREET_STAFF, data.s1, username="street-officer")


def test_street_officer_totals_are_the_sum_over_their_street_only(data, street_officer):
    # when
    figures = area_figures(
        user=street_officer,
        area=data.s1,
        period=MARCH,
        codes=["residents", "households", "cases_received", "cases_dispatched", "visits"],
    )

    # then: S1 holds r1–r4 (h1–h3) and c1–c4 (received in March); c6 came in February
    assert figures.total == {
        "residents": 4,
        "households": 3,
        "cases_received": 4,
        "cases_dispatched": 3,
        "visits": 3,
    }
    for code, total in figures.total.items():
        assert sum(values[code] for _, values in figures.children) == total
    assert [area.code for area, _ in figures.children] == [data.c1.code, data.c2.code]


def test_street_officer_department_ranking_counts_their_street_only(data, street_officer):
    # when
    rows = department_ranking(user=street_officer, area=data.s1, period=MARCH)

    # then: 住建局 handled c5 in district 2, which is not this street's; here it was only
    # summoned to c3 (and checked in late)
    assert [
        (
            row["rank"],
            row["department"].name,
            row["values"]["cases_dispatched"],
            row["values"]["composite_score"],
            row["values"]["checkin_on_time_rate"],
        )
        for row in rows
    ] == [(1, "城管局", 3, 30.8, 100.0), (None, "住建局", 0, None, 0.0)]


def test_street_officer_scope_root_is_their_street(data, street_officer):
    # then
    assert dashboard_roots(user=street_officer) == [data.s1]


@pytest.mark.parametrize("node", ["s2", "d1", "city", "d2"])
def test_nodes_outside_the_street_are_not_found(data, street_officer, node):
    # given
    area = getattr(data, node)

    # then
    with pytest.raises(NotFoundOrForbidden):
        dashboard_area_get_for_user(user=street_officer, code=area.code)
    with pytest.raises(NotFoundOrForbidden):
        area_figures(user=street_officer, area=area, period=MARCH)
    with pytest.raises(NotFoundOrForbidden):
        indicator_value(user=street_officer, area=area, period=MARCH, code="residents")
    with pytest.raises(NotFoundOrForbidden):
        monthly_trend(user=street_officer, area=area, period=MARCH, codes=["cases_received"])
    with pytest.raises(NotFoundOrForbidden):
        department_ranking(user=street_officer, area=area, period=MARCH)


def test_an_unknown_code_answers_like_an_out_of_scope_one(data, street_officer):
    # then
    with pytest.raises(NotFoundOrForbidden) as unknown:
        dashboard_area_get_for_user(user=street_officer, code="999999")
    with pytest.raises(NotFoundOrForbidden) as outside:
        dashboard_area_get_for_user(user=street_officer, code=data.s2.code)
    assert unknown.value.message == outside.value.message


def test_a_grid_worker_has_no_dashboard(data):
    # given
    worker = data.workers[0]

    # then
    assert dashboard_roots(user=worker) == []
    with pytest.raises(NotFoundOrForbidden):
        area_figures(user=worker, area=data.g[0], period=MARCH)


@pytest.mark.parametrize(
    "suffix", ["", "data.json", "screen/", "map/", "map.json", "briefing/", "briefing.xlsx"]
)
def test_every_page_of_another_street_is_404_and_audited(data, street_officer, client, suffix):
    # given
    client.force_login(street_officer)
    exports = AuditEvent.objects.filter(action="export").count()

    # when
    response = client.get(f"/dashboard/{data.s2.code}/{suffix}?period=2026-03")

    # then
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == exports
    denial = AuditEvent.objects.filter(action="access_denied", actor=street_officer).get()
    assert (denial.outcome, denial.object_id) == (
        Outcome.DENIED,
        f"/dashboard/{data.s2.code}/{suffix}"[:64],
    )


def test_a_grid_worker_is_refused_the_dashboard_home(data, client):
    # given
    client.force_login(data.workers[0])

    # when
    response = client.get("/dashboard/")

    # then
    assert response.status_code == 404


def test_a_user_with_two_streets_chooses_between_them(data, client):
    # given
    officer = make_user(Role.STREET_STAFF, data.s1, username="two-streets")
    role_assign(actor=None, user=officer, role=Role.STREET_STAFF, area=data.s2)
    client.force_login(officer)

    # when
    response = client.get("/dashboard/?period=2026-03")

    # then
    assert response.status_code == 200
    assert [root.code for root in response.context["roots"]] == [data.s1.code, data.s2.code]
