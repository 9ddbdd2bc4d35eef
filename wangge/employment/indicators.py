"""New-employment figures for the dashboards (discovered by wangge.indicators): companies
and workers surveyed, party members found, branches founded, instructors serving,
services delivered by kind (with rest-station visits) and reports made by workers. Each
drills down to the census pages."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wangge.indicators.definitions import Source, count_of, register_source

GROUP_EMPLOYMENT = "新就业群体"

# The units, for the catalogue (wangge.indicators.labels translates them with pgettext).
UNITS = (pgettext_lazy("unit", "个"), pgettext_lazy("unit", "人"), pgettext_lazy("unit", "人次"),
         pgettext_lazy("unit", "件"))

# In the indicator catalogue (and its area and period drill-down) only: no dashboard panel
# of its own, so the city's headline and its monthly briefing stay as they were.
PANELS: dict = {}


def _allowed(user, *args) -> bool:
    from wangge.employment.permissions import can_read_employment

    return can_read_employment(user)


def _drill(name: str, query: str = ""):
    def url(area, period, department=None) -> str:
        return reverse(name) + query

    return url


def _companies():
    from wangge.employment.models import Company

    return Company.objects.all()


def _workers():
    from wangge.employment.models import Worker

    return Worker.objects.all()


def _branches():
    from wangge.employment.models import Branch

    return Branch.objects.all()


def _instructors():
    from wangge.employment.models import Instructor

    return Instructor.objects.filter(until__isnull=True)


def _services():
    from wangge.employment.models import ServiceRecord

    return ServiceRecord.objects.all()


def _visits():
    from wangge.employment.models import StationVisit

    return StationVisit.objects.all()


def _reports():
    from wangge.employment.models import WorkerReport

    return WorkerReport.objects.all()


def _kind_sum(kind: str):
    return Sum("people", filter=Q(kind=kind))


register_source(Source(key="employment_companies", label="新业态企业", queryset=_companies,
                       measures=lambda: {"companies": Count("id")}))
register_source(Source(key="employment_workers", label="新就业群体从业人员", queryset=_workers,
                       measures=lambda: {"workers": Count("id"),
                                         "party_members": Count("id", filter=Q(is_party_member=True))}))
register_source(Source(key="employment_branches", label="新就业群体党组织", queryset=_branches,
                       measures=lambda: {"branches": Count("id")}))
register_source(Source(key="employment_instructors", label="党建指导员", queryset=_instructors,
                       measures=lambda: {"instructors": Count("id")}))
register_source(Source(key="employment_services", label="关爱服务", queryset=_services,
                       measures=lambda: {"care": _kind_sum("care_package"), "legal": _kind_sum("legal_aid"),
                                         "jobs": _kind_sum("job_referral"),
                                         "training": _kind_sum("training_referral")},
                       period_field="date", period_is_date=True))
register_source(Source(key="employment_visits", label="驿站来访", queryset=_visits,
                       measures=lambda: {"visits": Count("id")}, period_field="date", period_is_date=True))
register_source(Source(key="employment_reports", label="从业人员上报", queryset=_reports,
                       measures=lambda: {"reports": Count("id")}, period_field="reported_at"))

_SPEC = [
    ("employment_companies", "摸排新业态企业", "Platform companies surveyed", "个",
     "employment_companies.companies", "employment:companies", ""),
    ("employment_workers", "摸排新就业群体从业人员", "New-employment workers surveyed", "人",
     "employment_workers.workers", "employment:workers", ""),
    ("employment_party_members", "新就业群体中的党员", "Party members found among the workers", "人",
     "employment_workers.party_members", "employment:workers", "?party=1"),
    ("employment_branches", "新就业群体新建党组织", "Party branches founded among the workers", "个",
     "employment_branches.branches", "employment:branches", ""),
    ("employment_instructors", "选派党建指导员", "Party-building instructors serving", "人",
     "employment_instructors.instructors", "employment:branches", ""),
    ("employment_care_packages", "发放关爱礼包", "Care packages handed out", "人次",
     "employment_services.care", "employment:services", "?kind=care_package"),
    ("employment_legal_aid", "法律援助服务", "Legal aid for workers", "人次",
     "employment_services.legal", "employment:services", "?kind=legal_aid"),
    ("employment_job_referrals", "就业推荐服务", "Job referrals for workers", "人次",
     "employment_services.jobs", "employment:services", "?kind=job_referral"),
    ("employment_training_referrals", "技能培训推荐服务", "Training referrals for workers", "人次",
     "employment_services.training", "employment:services", "?kind=training_referral"),
    ("employment_station_visits", "驿站来访人次", "Rest-station visits by workers", "人次",
     "employment_visits.visits", "employment:services", ""),
    ("employment_reports", "从业人员上报问题", "Reports made by workers", "件",
     "employment_reports.reports", "employment:reports", ""),
]

for code, zh, en, unit, measure, page, query in _SPEC:
    count_of(code, zh, en, unit, GROUP_EMPLOYMENT, measure, drill=_drill(page, query), drill_allowed=_allowed)
