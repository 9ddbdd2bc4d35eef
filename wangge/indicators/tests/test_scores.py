"""Scores leaders can trust: returns and failed checks count against the unit that earned
them, the composite deducts for lateness, returns and rework, units with too few cases are
listed apart, every rate links to its cases and the page explains the formula."""

from urllib.parse import parse_qs, urlsplit

import pytest

from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures, department_ranking
from wangge.testing import Role, make_user

MARCH = Period(2026, 3)
CODES = ["cases_assigned", "return_rate", "rework_rate", "composite_score"]


@pytest.fixture
def officer(data):
    return make_user(Role.CITY_OFFICER, data.city, username="scores-officer")


def _by_name(rows) -> dict:
    return {
        row["department"].name: (row["rank"], row["apart"], *(row["values"][c] for c in CODES))
        for row in rows
    }


def test_a_return_counts_against_the_unit_that_returned_the_case(data, officer):
    # when: B returned c3, which was then dispatched to A; A's result on c2 failed a check
    rows = department_ranking(
        user=officer, area=data.city, period=MARCH, codes=CODES, rank_by="composite_score"
    )

    # then: B returned 1 of its 2 dispatches, A none of its 3; A failed 1 of its 3 checks
    assert _by_name(rows) == {
        "住建局": (1, False, 2, 50.0, 0.0, 90.0),
        "城管局": (2, False, 3, 0.0, 33.3, 30.8),
    }


def test_deductions_are_settings(data, officer, settings):
    # given: no deductions
    settings.WANGGE_SCORE_LATE_DEDUCTION = 0
    settings.WANGGE_SCORE_RETURN_DEDUCTION = 0
    settings.WANGGE_SCORE_REWORK_DEDUCTION = 0

    # when
    total = area_figures(
        user=officer, area=data.city, period=MARCH, codes=["composite_score"], with_children=False
    ).total

    # then: the weighted mean alone (30/35/35 of 50, 75, 66.7)
    assert total == {"composite_score": 64.6}


def test_only_the_return_deduction(data, officer, settings):
    # given
    settings.WANGGE_SCORE_LATE_DEDUCTION = 0
    settings.WANGGE_SCORE_RETURN_DEDUCTION = 50
    settings.WANGGE_SCORE_REWORK_DEDUCTION = 0

    # when
    rows = department_ranking(
        user=officer, area=data.city, period=MARCH, codes=CODES, rank_by="composite_score"
    )

    # then: B loses 50 × 1/2; A keeps its weighted mean
    assert {name: values[-1] for name, values in _by_name(rows).items()} == {
        "住建局": 75.0,
        "城管局": 50.8,
    }


def test_units_with_too_few_cases_are_listed_apart(data, officer, settings):
    # given: 3 dispatches needed to be ranked; B had 2
    settings.WANGGE_SCORE_MIN_CASES = 3

    # when
    rows = department_ranking(
        user=officer, area=data.city, period=MARCH, codes=CODES, rank_by="composite_score"
    )

    # then: A is first on its own, B follows unranked
    assert [(row["department"].name, row["rank"], row["apart"]) for row in rows] == [
        ("城管局", 1, False),
        ("住建局", None, True),
    ]


def test_the_dashboard_explains_the_score_and_lists_small_units_apart(
    data, officer, client, settings
):
    # given
    settings.WANGGE_SCORE_MIN_CASES = 3
    client.force_login(officer)

    # when
    html = client.get(f"/dashboard/{data.city.code}/?period=2026-03").content.decode()

    # then
    assert (
        "综合评分 = 响应率×30% + 办结率×35% + 满意率×35%，再按超期办结比例最多扣 20 分、"
        "退回比例最多扣 20 分、核查不通过比例最多扣 20 分（最低 0 分）；"
        "当月派遣不足 3 件的部门单列，不参与排名。"
    ) in html
    apart = html[html.index('id="departments-apart"') :]
    assert f'data-department="{data.dept_b.pk}"' in apart
    assert f'data-department="{data.dept_a.pk}"' not in apart


def _link(html: str, marker: str, code_index: int) -> dict:
    """The query of the code_index-th figure link in the table row starting at marker."""
    row = html[html.index(marker) :]
    row = row[: row.index("</tr>")]
    hrefs = [part.split('"', 1)[0] for part in row.split('class="figure-link" href="')[1:]]
    return parse_qs(urlsplit(hrefs[code_index].replace("&amp;", "&")).query)


def test_every_department_rate_links_to_its_cases(data, officer, client):
    # given
    client.force_login(officer)
    html = client.get(f"/dashboard/{data.city.code}/?period=2026-03").content.decode()

    # when: the links of B's row (score, dispatches, …, return rate)
    row = html[html.index(f'data-department="{data.dept_b.pk}"') :]
    row = row[: row.index("</tr>")]

    # then
    assert row.count('class="figure-link"') == 13  # every column of the row
    assert (
        f"/cases/?tab=all&amp;area={data.city.code}&amp;kpi=returned&amp;month=2026-03"
        f"&amp;department={data.dept_b.pk}"
    ) in row


@pytest.mark.parametrize(
    ("kpi", "department", "expected"),
    [
        ("returned", "b", ["c3"]),
        ("returned", "a", []),
        ("rework", "a", ["c2"]),
        ("rework", "b", []),
        ("dispatched", "a", ["c1", "c2", "c3"]),
        ("late", "a", ["c2", "c3"]),
        ("rated", None, ["c1", "c2", "c5"]),
        ("summoned", "b", ["c3"]),
    ],
)
def test_the_work_list_shows_the_cases_behind_a_figure(
    data, officer, client, kpi, department, expected
):
    # given
    client.force_login(officer)
    query = f"tab=all&area={data.city.code}&kpi={kpi}&month=2026-03"
    if department:
        query += f"&department={getattr(data, f'dept_{department}').pk}"

    # when
    html = client.get(f"/cases/?{query}").content.decode()

    # then
    shown = sorted(key for key, case in data.cases.items() if case.number in html)
    assert shown == expected
    assert 'id="kpi-slice"' in html


def test_an_unknown_slice_shows_nothing(data, officer, client):
    # given
    client.force_login(officer)

    # when
    html = client.get("/cases/?tab=all&kpi=nonsense&month=2026-03").content.decode()

    # then
    assert not [case for case in data.cases.values() if case.number in html]
    assert "筛选条件无效" in html
