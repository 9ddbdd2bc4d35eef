"""The demo city's history (``wangge.demo.history`` with the apps' ``demo.py``,
``manage.py generate_activity``)."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings

from wangge.accounts.models import Department, User
from wangge.areas.models import Area, AreaKind
from wangge.audit.models import AuditEvent
from wangge.cases.models import Case, CaseEvent, Evaluation, Status, Summons
from wangge.cases.selectors import case_list_visible_to
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.demo.history import activity_generate
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.patrols.models import GridAssignment, Patrol, PatrolFinding, Visit, VisitNeed
from wangge.patrols.selectors import visit_due_lists
from wangge.people.models import Household

# A Wednesday afternoon in Shanghai.
NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)
DAYS = 63


@pytest.fixture
def small_city(db, settings, tmp_path):
    """白云鄂博矿区 (2 streets, 6 communities) with a few populated grids, clock frozen."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.simulated(lambda: NOW):
        city_generate(scale=0.005, seed=5, districts=["150206"])
        yield


def _figures() -> dict:
    return {
        "by_status": dict(Case.objects.values_list("status").annotate(n=Count("id"))),
        "by_source": dict(Case.objects.values_list("source").annotate(n=Count("id"))),
        "events": CaseEvent.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "summonses": Summons.objects.count(),
        "patrols": Patrol.objects.count(),
        "findings": PatrolFinding.objects.count(),
        "visits": Visit.objects.count(),
        "needs": VisitNeed.objects.count(),
    }


def test_the_command_writes_a_history_through_the_real_services(small_city):
    # given
    out = io.StringIO()

    # when
    call_command("generate_activity", seed=7, days=DAYS, stdout=out, stderr=io.StringIO())

    # then: cases at many stages of the loop, each with a timeline from its report on
    assert "已生成演示活动" in out.getvalue()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.VERIFIED, Status.IN_PROGRESS, Status.REJECTED} <= statuses
    assert len(statuses) >= 6
    first_actions = {
        case.events.order_by("at", "id").values_list("action", flat=True).first()
        for case in Case.objects.all()
    }
    assert first_actions == {"report"}
    assert AuditEvent.objects.filter(action="case_report").count() == Case.objects.count()
    # and the history lies in the period, dated by the clock of its day
    start = NOW - timedelta(days=DAYS + 1)
    assert not Case.objects.exclude(created_at__gte=start, created_at__lte=NOW).exists()
    assert not CaseEvent.objects.exclude(at__gte=start, at__lte=NOW).exists()
    assert Case.objects.dates("created_at", "month").count() >= 3
    closed = Case.objects.filter(status=Status.CLOSED).exclude(closed_at__gte=start)
    assert not closed.exists()
    # and every populated grid's worker patrols and visits it
    populated = Area.objects.filter(kind=AreaKind.GRID, households__isnull=False).distinct()
    assert GridAssignment.objects.count() == populated.count()
    assert set(Patrol.objects.values_list("grid_id", flat=True)) == set(
        populated.values_list("id", flat=True)
    )
    assert Visit.objects.exists()
    assert not Visit.objects.exclude(date__lte=NOW.date()).exists()
    found = Case.objects.filter(patrol_finding__isnull=False) | Case.objects.filter(
        visit_need__isnull=False
    )
    assert found.exists()
    assert set(found.values_list("source", flat=True)) == {"grid_worker"}
    # and households were registered before the history, so never before their visits
    assert not Household.objects.filter(created_at__gt=NOW - timedelta(days=DAYS)).exists()
    assert not Visit.objects.filter(at__lt=F("household__created_at")).exists()


def test_a_seed_gives_the_same_history_and_a_second_run_adds_nothing(small_city):
    # given: one run, rolled back
    savepoint = transaction.savepoint()
    activity_generate(seed=3, days=DAYS)
    first = _figures()
    transaction.savepoint_rollback(savepoint)
    assert Case.objects.count() == 0

    # when: the same seed again, then the command once more
    stats = activity_generate(seed=3, days=DAYS)
    second = _figures()
    out = io.StringIO()
    call_command("generate_activity", seed=3, days=DAYS, stdout=out)

    # then
    assert stats.refused == 0
    assert second == first
    assert "跳过" in out.getvalue()
    assert _figures() == first


@override_settings(WANGGE_DEMO=True)
def test_the_demo_accounts_find_their_work_waiting(small_city):
    # when
    stats = activity_generate(seed=42, days=DAYS)

    # then: the demo grid worker has households due today and cases in the grid
    assert stats.refused == 0
    grid_worker = User.objects.get(username="gridworker")
    lists = visit_due_lists(worker=grid_worker)
    assert len(lists.due_today) >= 3
    assert len(lists.overdue) >= 2
    assert Patrol.objects.filter(worker=grid_worker).exists()
    assert Visit.objects.filter(worker=grid_worker).exists()
    assert case_list_visible_to(user=grid_worker).exists()
    # and the street's dashboard counts this month's cases
    street_user = User.objects.get(username="street")
    street = Area.objects.get(pk=street_user.role_assignments.get().area_id)
    figures = area_figures(
        user=street_user, area=street, period=Period.current(), codes=["cases_received"]
    )
    assert figures.total["cases_received"] > 0
    # and the demo department (城管局) has cases dispatched to it, some signed by the demo user
    department = Department.objects.order_by("id").first()
    handler = User.objects.get(username="department")
    assert case_list_visible_to(user=handler, handler_department=department.pk).exists()
    assert CaseEvent.objects.filter(actor=handler, action="sign").exists()
