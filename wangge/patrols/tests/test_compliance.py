"""Compliance figures on a small data set checked by hand (today is Wednesday 10 June 2026).

Working days of June so far: 1–5, Saturday 6 (adjusted working day), 8–10 → 9.
Care households (weekly/monthly tags) are measured over June, the others over Q2;
a weekly household needs 30 // 7 = 4 completed visits in June.

grid g1 (worker A all month)
  h1 weekly   visits 6-02, 6-05, 6-09          → 3 of 4   not compliant
  h2 monthly  visit 6-03                       →          compliant
  h3 monthly  visit 5-28                       →          not compliant (May)
  h4 none     visit 4-15                       →          compliant (Q2)
  h5 none     visit 3-30, 6-04 nobody met      →          not compliant
  patrols     6-01, 6-02 (twice), 6-06 (Sat, working), 6-07 (Sun, rest) → 3 days
grid g2 (worker B until 6-07, then worker D from 6-08)
  h6 monthly  visit 6-09 by D                  →          compliant
  h7 none     no visit                         →          not compliant
  patrols     B 6-03, D 6-09                   → 2 days
grid g3 (worker C, community 2)
  h8 weekly   visits 6-01, 6-03, 6-08, 6-10    → 4 of 4   compliant
grid g4 (nobody): no households, no patrols, no worker → no working days counted
  (an unstaffed grid is a staffing gap, not a missed patrol)
"""

from datetime import date

import pytest

from wangge.patrols.models import Patrol, VisitOutcome
from wangge.patrols.selectors import compliance_by_area, compliance_by_worker
from wangge.patrols.services import grid_reassign
from wangge.testing import make_user
from wangge.testing.clock import at
from wangge.testing.patrols import household, visit


def patrol(worker, grid, day: date, n: int = 1) -> None:
    for index in range(n):
        Patrol.objects.create(
            worker=worker,
            grid=grid,
            area_path=grid.path,
            client_ref=f"{day}-{index}-{grid.pk}",
            date=day,
            started_at=at(day, 9 + index),
            ended_at=at(day, 9 + index),
        )


@pytest.fixture
def data(world, june_calendar):
    worker_d = make_user(username="worker_d")
    grid_reassign(
        actor=world.staff,
        grid=world.g2,
        from_worker=world.worker_b,
        to_worker=worker_d,
        on=date(2026, 6, 8),
    )
    a, b, c = world.worker_a, world.worker_b, world.worker_c
    h1 = household(world.g1, tags=("elderly_80_alone",))
    for day in (2, 5, 9):
        visit(h1, a, date(2026, 6, day))
    h2 = household(world.g1, tags=("low_income",))
    visit(h2, a, date(2026, 6, 3))
    h3 = household(world.g1, tags=("disabled",))
    visit(h3, a, date(2026, 5, 28))
    h4 = household(world.g1)
    visit(h4, a, date(2026, 4, 15))
    h5 = household(world.g1)
    visit(h5, a, date(2026, 3, 30))
    visit(h5, a, date(2026, 6, 4), outcome=VisitOutcome.NOT_MET)
    h6 = household(world.g2, tags=("low_income",))
    visit(h6, worker_d, date(2026, 6, 9))
    household(world.g2)
    h8 = household(world.g3, tags=("elderly_80_alone",))
    for day in (1, 3, 8, 10):
        visit(h8, c, date(2026, 6, day))
    patrol(a, world.g1, date(2026, 6, 1))
    patrol(a, world.g1, date(2026, 6, 2), n=2)
    patrol(a, world.g1, date(2026, 6, 6))
    patrol(a, world.g1, date(2026, 6, 7))
    patrol(b, world.g2, date(2026, 6, 3))
    patrol(worker_d, world.g2, date(2026, 6, 9))
    return worker_d


def figures(row) -> tuple:
    f = row.figures
    return (f.care_done, f.care_due, f.other_done, f.other_due, f.patrol_days, f.working_days)


def test_grid_figures(world, data):
    # when
    report = compliance_by_area(user=world.street_staff, level="grid")

    # then
    assert report.working_days == 9
    assert [(row.area.code, figures(row)) for row in report.rows] == [
        (world.g1.code, (1, 3, 1, 2, 3, 9)),
        (world.g2.code, (1, 1, 0, 1, 2, 9)),
        (world.g3.code, (1, 1, 0, 0, 0, 9)),
        (world.g4.code, (0, 0, 0, 0, 0, 0)),
    ]


def test_community_and_street_rates(world, data):
    # when
    communities = compliance_by_area(user=world.street_staff, level="community")
    streets = compliance_by_area(user=world.street_staff, level="street")

    # then
    assert [
        (row.area.code, row.figures.care_rate, row.figures.other_rate, row.figures.patrol_rate)
        for row in communities.rows
    ] == [
        (world.community1.code, 50.0, 33.3, 27.8),
        (world.community2.code, 100.0, None, 0.0),
    ]
    (street,) = streets.rows
    assert (
        street.area.code,
        street.figures.care_rate,
        street.figures.other_rate,
        street.figures.patrol_rate,
    ) == (world.street.code, 60.0, 33.3, 18.5)
    assert figures(streets.rows[0]) == (3, 5, 1, 3, 5, 27)


def test_worker_figures_follow_the_reassignment(world, data):
    # when community 1's staff read their workers
    rows = compliance_by_worker(user=world.staff)

    # then B keeps their patrol history over the days they held g2, D answers for g2 now
    assert [(row.worker.username, [g.code for g in row.grids], figures(row)) for row in rows] == [
        ("worker_a", [world.g1.code], (1, 3, 1, 2, 3, 9)),
        ("worker_b", [], (0, 0, 0, 0, 1, 6)),
        ("worker_d", [world.g2.code], (1, 1, 0, 1, 1, 3)),
    ]


def test_community_staff_report_covers_their_community_only(world, data):
    # when
    report = compliance_by_area(user=world.staff, level="grid")

    # then
    assert [row.area.code for row in report.rows] == [world.g1.code, world.g2.code]
    assert (report.total.care_done, report.total.care_due) == (2, 4)


def test_a_worker_sees_no_compliance_report(world, data):
    # when / then: the grid-worker role is no supervising role
    assert compliance_by_area(user=world.worker_a, level="grid").rows == []
    assert compliance_by_worker(user=world.worker_a) == []


def test_city_officer_sees_the_same_figures_for_the_whole_city(world, data):
    # given a city officer (scope: everything, so the report reads without scope filters)
    from wangge.areas.models import Area
    from wangge.testing import Role

    officer = make_user(Role.CITY_OFFICER, Area.objects.get(depth=1))

    # when
    city = compliance_by_area(user=officer, level="street")
    street = compliance_by_area(user=world.street_staff, level="street")

    # then
    assert (
        [figures(row) for row in city.rows]
        == [figures(row) for row in street.rows]
        == [(3, 5, 1, 3, 5, 27)]
    )


def test_households_tags_and_visits_are_put_together_without_joining_aggregates(world, data):
    # The planner takes a path range for one row when it holds thousands; a join of the
    # per-household aggregates then ran as nested loops (3–5 s for a street of the full
    # city). The three index ranges are put together with UNION ALL and one GROUP BY.
    from wangge.patrols.compliance import _household_periods_sql
    from wangge.patrols.periods import month_of, quarter_of

    sql, _ = _household_periods_sql(paths=[world.community1.path],
                                    month=month_of(date(2026, 6, 1)),
                                    quarter=quarter_of(date(2026, 6, 1)))
    assert sql.count("UNION ALL") == 2 and "JOIN (" not in sql
    # and the figures of one community are those of its grids only (the household arm
    # decides which households count: tags and visits of others are dropped)
    report = compliance_by_area(user=world.street_staff, level="grid")
    community = compliance_by_area(user=world.street_staff, level="community")
    in_community1 = [row for row in report.rows if row.area.path.startswith(world.community1.path)]
    assert figures(community.rows[0])[:4] == tuple(
        sum(figures(row)[i] for row in in_community1) for i in range(4)
    )


def test_the_city_wide_prefix_reads_without_scope_and_gives_the_same_rows(world, data):
    # The dashboards' rollup asks for the empty prefix: the whole tree, like every root.
    # Its visits then need no semi-join with every household (a third of the statement's
    # time at full size).
    from wangge.areas.models import Area
    from wangge.patrols.compliance import _household_periods_sql, visit_compliance_rows
    from wangge.patrols.periods import month_of, quarter_of

    month, quarter = month_of(date(2026, 6, 1)), quarter_of(date(2026, 6, 1))
    roots = list(Area.objects.filter(depth=1).values_list("path", flat=True))

    # when
    city_sql, city_params = _household_periods_sql(paths=[""], month=month, quarter=quarter)
    city = visit_compliance_rows(paths=[""], month=month, quarter=quarter)
    by_roots = visit_compliance_rows(paths=roots, month=month, quarter=quarter)
    one_street = visit_compliance_rows(paths=[world.street.path], month=month, quarter=quarter)

    # then
    assert "hs.area_path" not in city_sql and "" not in city_params
    assert sorted(city) == sorted(by_roots) == sorted(one_street)  # one street in this city
    assert sum(row[2] for row in city) == 8  # h1–h8
