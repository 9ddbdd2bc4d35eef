"""The monthly briefing as an office sends it: letterhead, a summary written from the
figures, charts and tables; printable on A4, downloadable as Word and Excel."""

import io
from pathlib import Path

import pytest
from docx import Document

from wangge.audit.models import AuditEvent
from wangge.testing import Role, make_user

SUMMARY = [
    "2026年3月，包头市：社区（村、嘎查）数8个，网格数16个，网格员数3人，户数5户，居民数7人，"
    "关爱对象人数3人，受理事件数5件，超期在办事件数（当前）2件，综合评分45.6分，"
    "网格巡查履职率4.5%。",
    "与上月相比，上升的有：受理事件数由1件变为5件（4件，向好）；派遣事件数由1件变为4件（3件，向好）；"
    "综合评分由26.2分变为45.6分（19.4分，向好）；办结率由0.0%变为75.0%（75.0 个百分点，向好）；"
    "按期办结率由0.0%变为50.0%（50.0 个百分点，向好）；网格巡查履职率由0.0%变为4.5%"
    "（4.5 个百分点，向好）。",
    "下级区/旗/县中综合评分最好的是第2区（100.0分），最差的是第1区（25.8分）。"
    "职能部门中综合评分最好的是住建局（90.0分），最差的是城管局（30.8分）。",
    "超期在办事件数（当前）2件，其中第1区最多（2件），请相关单位抓紧办理。",
]


@pytest.fixture
def city_officer(data, client):
    officer = make_user(Role.CITY_OFFICER, data.city, username="briefing-officer")
    client.force_login(officer)
    return officer


def test_the_briefing_page_has_letterhead_summary_charts_and_tables(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/briefing/?period=2026-03")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="issuer" id="briefing-issuer">包头市网格化服务管理中心</div>' in html
    assert '<div class="number" id="briefing-number">网格通报〔2026〕3号</div>' in html
    for paragraph in SUMMARY:
        assert f"<p>{paragraph}</p>" in html
    assert html.count('<svg class="briefing-chart"') == 2
    assert ">第1区</text>" in html and ">25.8</text>" in html
    assert f'href="/dashboard/{data.city.code}/briefing.docx?period=2026-03"' in html


def test_the_briefing_prints_on_a4():
    # when
    from django.contrib.staticfiles import finders

    css = Path(finders.find("indicators/indicators.css")).read_text(encoding="utf-8")

    # then
    assert "@page { size: A4;" in css


def test_the_word_briefing_has_the_summary_and_the_tables(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/briefing.docx?period=2026-03")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="briefing-{data.city.code}-2026-03.docx"'
    )
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:3] == [
        "包头市网格化服务管理中心",
        "网格通报〔2026〕3号",
        "包头市2026年3月网格化基层治理工作通报",
    ]
    for paragraph in SUMMARY:
        assert paragraph in paragraphs
    assert len(document.inline_shapes) == 2  # the two charts
    main, areas, departments = document.tables
    rows = {row.cells[1].text: row.cells[2].text for row in main.rows[1:]}
    assert (rows["居民数"], rows["受理事件数"], rows["综合评分"], rows["退回率"]) == (
        "7",
        "5",
        "45.6",
        "20.0",
    )
    assert [[cell.text for cell in row.cells[:3]] for row in areas.rows] == [
        ["名次", "区/旗/县", "综合评分"],
        ["1", "第2区", "100.0"],
        ["2", "第1区", "25.8"],
    ]
    assert [[cell.text for cell in row.cells[:4]] for row in departments.rows] == [
        ["名次", "部门", "综合评分", "派遣件次"],
        ["1", "住建局", "90.0", "2"],
        ["2", "城管局", "30.8", "3"],
    ]
    event = AuditEvent.objects.get(action="export", actor=city_officer)
    assert event.detail == {"kind": "monthly_briefing", "period": "2026-03", "format": "docx"}


def test_the_word_briefing_of_another_area_is_not_found(data, client):
    # given: a street officer of S1
    client.force_login(make_user(Role.STREET_STAFF, data.s1, username="s1-staff"))

    # when
    response = client.get(f"/dashboard/{data.d2.code}/briefing.docx?period=2026-03")

    # then
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_excel_briefing_carries_the_letterhead_and_summary(data, city_officer, client):
    # when
    response = client.get(f"/dashboard/{data.city.code}/briefing.xlsx?period=2026-03")

    # then
    from openpyxl import load_workbook

    cover = list(load_workbook(io.BytesIO(response.content))["通报"].iter_rows(values_only=True))
    assert cover[1] == ("发文单位", "包头市网格化服务管理中心")
    assert cover[2] == ("文号", "网格通报〔2026〕3号")
    assert [row[1] for row in cover if row[0] == "摘要" or (row[0] is None and row[1])] == SUMMARY
