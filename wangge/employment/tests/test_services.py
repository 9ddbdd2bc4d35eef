"""Services, the station keeper's two taps, workers' reports credited, and the figures."""

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.cases.models import Category, Source, Status
from wangge.cases.services import case_report
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.employment import selectors, services
from wangge.employment.models import ServiceRecord, StationVisit, WorkerReport
from wangge.employment.tasks import credit_reports
from wangge.facilities.models import Service, ServiceLog
from wangge.indicators.definitions import INDICATORS
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.testing.users import make_user


def _category():
    category = Category.objects.filter(active=True, depth__gt=1).order_by("code").first()
    if category is None:
        root = Category.add_root(code="T01", name="市容环境")
        category = root.add_child(code="T0101", name="道路破损")
    return category


def test_service_per_worker_follows_their_company(ew):
    record = services.service_record(actor=ew.staff_a, kind="care_package", company=None, worker=ew.worker_a,
                                     people=9)
    assert (record.company_id, record.people, record.area_path) == (ew.company_a.pk, 1, ew.worker_a.area_path)
    per_company = services.service_record(actor=ew.staff_a, kind="legal_aid", company=ew.company_a, people=12)
    assert per_company.worker is None and per_company.area_path == ew.company_a.area_path
    with pytest.raises(NotFoundOrForbidden):
        services.service_record(actor=ew.staff_a, kind="job_referral", company=ew.company_b)
    with pytest.raises(ApplicationError):
        services.service_record(actor=ew.staff_a, kind="haircut", company=ew.company_a)
    assert ServiceRecord.objects.count() == 2


def test_keeper_logs_a_visit_in_two_taps(client, ew):
    client.force_login(ew.keeper)
    first = client.get(reverse("employment:station", args=[ew.station.pk])).content.decode()
    assert "张*" in first and "外卖骑手" in first and "13912345678" not in first and "张伟" not in first
    second = client.get(reverse("employment:station", args=[ew.station.pk]) + f"?who=worker:{ew.worker_a.pk}")
    assert "休息" in second.content.decode()
    rest = Service.objects.get(code="rest")
    answer = client.post(reverse("employment:station_log", args=[ew.station.pk]),
                         {"who": f"worker:{ew.worker_a.pk}", "service": rest.pk, "key": "k1"})
    assert answer.status_code == 302
    visit = StationVisit.objects.get()
    assert (visit.worker_id, visit.company_id, visit.log.service_id, visit.log.people) == (
        ew.worker_a.pk, ew.company_a.pk, rest.pk, 1)
    # The phone resends the same tap: nothing new.
    client.post(reverse("employment:station_log", args=[ew.station.pk]),
                {"who": f"worker:{ew.worker_a.pk}", "service": rest.pk, "key": "k1"})
    assert StationVisit.objects.count() == 1 and ServiceLog.objects.count() == 1
    client.post(reverse("employment:station_log", args=[ew.station.pk]), {"who": "type:rider", "service": rest.pk})
    assert StationVisit.objects.filter(worker__isnull=True, worker_type="rider").count() == 1


def test_keeper_of_another_community_cannot_log_here(client, ew):
    client.force_login(ew.other_keeper)
    assert client.get(reverse("employment:station", args=[ew.station.pk])).status_code == 404
    answer = client.post(reverse("employment:station_log", args=[ew.station.pk]),
                         {"who": "type:rider", "service": Service.objects.get(code="rest").pk})
    assert answer.status_code == 404 and not ServiceLog.objects.exists()


def test_keeper_cannot_pick_a_worker_from_elsewhere(client, ew):
    client.force_login(ew.keeper)
    answer = client.post(reverse("employment:station_log", args=[ew.station.pk]),
                         {"who": f"worker:{ew.worker_b.pk}", "service": Service.objects.get(code="rest").pk})
    assert answer.status_code == 404 and not StationVisit.objects.exists()


def test_a_workers_report_is_credited_and_counted(ew, django_capture_on_commit_callbacks):
    category = _category()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_report(actor=None, category=category, description="路口井盖缺失", source=Source.RESIDENT,
                           grid=ew.grid_a, reporter_name="张伟", reporter_phone="139-1234-5678")
        other = case_report(actor=None, category=category, description="路灯不亮", source=Source.RESIDENT,
                            grid=ew.grid_a, reporter_phone="13900000000")
        hidden = case_report(actor=None, category=category, description="匿名上报", source=Source.RESIDENT,
                             grid=ew.grid_a, reporter_phone="13912345678", anonymous=True)
    # credited by the periodic task, off the report's request; a second run adds nothing
    assert not WorkerReport.objects.exists()
    assert credit_reports() == 1
    assert credit_reports() == 0
    credit = WorkerReport.objects.get()
    assert (credit.case_id, credit.worker_id, credit.company_id) == (case.pk, ew.worker_a.pk, ew.company_a.pk)
    assert not WorkerReport.objects.filter(case__in=[other, hidden]).exists()
    type(case).objects.filter(pk=case.pk).update(status=Status.CLOSED)
    per_company, per_alliance = selectors.report_counts(selectors.reports_visible_to(ew.staff_a))
    assert [(r["company__name"], r["made"], r["resolved"]) for r in per_company] == [("顺丰青山营业部", 1, 1)]
    assert [(r["company__alliance__name"], r["made"]) for r in per_alliance] == [("快递外卖行业党建联盟", 1)]
    assert selectors.reports_visible_to(ew.staff_b).count() == 0


def test_figures_per_area_with_drill_down(ew):
    services.service_record(actor=ew.staff_a, kind="care_package", company=ew.company_a, people=30)
    services.service_record(actor=ew.staff_b, kind="legal_aid", company=None, worker=ew.worker_b)
    branch = services.branch_found(actor=ew.staff_a, org=ew.org)
    services.instructor_assign(actor=ew.staff_a, branch=branch, name="孙老师")
    officer = make_user(Role.CITY_OFFICER, ew.city)
    codes = [code for code in INDICATORS if code.startswith("employment_")]
    assert len(codes) == 11
    figures = area_figures(user=officer, area=ew.city, period=Period(2026, 6), codes=codes)
    assert figures.total["employment_companies"] == 2
    assert figures.total["employment_workers"] == 2
    assert figures.total["employment_branches"] == 1 and figures.total["employment_instructors"] == 1
    assert figures.total["employment_care_packages"] == 30 and figures.total["employment_legal_aid"] == 1
    for code in codes:
        assert INDICATORS[code].drill is not None
        assert INDICATORS[code].drill_allowed(ew.staff_a) and not INDICATORS[code].drill_allowed(ew.keeper)


def test_a_crediting_run_reads_only_the_cases_after_the_last_one(ew, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.cache import cache

    from wangge.core import clock
    from wangge.employment.credit import CURSOR_KEY

    category = _category()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_report(actor=None, category=category, description="路口井盖缺失", source=Source.RESIDENT,
                           grid=ew.grid_a, reporter_phone="139-1234-5678")
    type(case).objects.filter(pk=case.pk).update(created_at=clock.now() - timedelta(hours=2))
    cache.set(CURSOR_KEY, case.pk)  # an earlier run read past it (and, say, lost its credit)
    assert credit_reports() == 0
    cache.delete(CURSOR_KEY)  # the cursor gone (Redis flushed): the whole look-back again
    assert credit_reports() == 1
    assert cache.get(CURSOR_KEY) >= case.pk
