"""Cadre training figures for the dashboards (discovered by wangge.indicators): classes
held, trainee-times, the share of cadres meeting their yearly requirement (from the
ledger query), the average rating and the share of needs a course covers. Each drills
down to the training pages."""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wangge.indicators.definitions import Source, average, count_of, rate, register_source

GROUP_TRAINING = "干部教育培训"

# The units, for the catalogue (wangge.indicators.labels translates them with pgettext).
UNITS = (pgettext_lazy("unit", "期"), pgettext_lazy("unit", "人次"), pgettext_lazy("unit", "星"))

PANELS = {
    "headline": {"training_requirement_rate": 300},
    "trend": {"training_trainee_times": 300},
}


def _allowed(user, *args) -> bool:
    from wangge.training.permissions import can_read_ledgers

    return can_read_ledgers(user)


def _drill(name: str, *, yearly: bool = True):
    def url(area, period, department=None) -> str:
        params = {"year": period.first_day.year} if yearly else {}
        return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)

    return url


def _classes():
    from wangge.training.models import TrainingClass

    return TrainingClass.objects.all()


def _enrolments():
    from wangge.training.models import Enrolment, EnrolmentStatus

    return Enrolment.objects.filter(first_check_in__isnull=False, status=EnrolmentStatus.ENROLLED)


def _ratings():
    from wangge.training.models import ClassRating

    return ClassRating.objects.all()


def _needs():
    from wangge.training.models import Need

    return Need.objects.all()


def _requirement_rows(prefix: str, period) -> dict[str, dict]:
    """Per cadre's area path under ``prefix``: cadres and those meeting the requirement
    of the period's year so far (the ledger query)."""
    from wangge.training.ledger import annual_ledger
    from wangge.training.models import Cadre

    cadres = Cadre.objects.filter(active=True)
    if prefix:
        cadres = cadres.filter(area_path__startswith=prefix)
    paths = dict(cadres.values_list("pk", "area_path"))
    rows: dict[str, dict] = {}
    for row in annual_ledger(cadres=cadres, year=period.first_day.year):
        entry = rows.setdefault(paths[row.cadre_id], {"cadres": 0, "met": 0})
        entry["cadres"] += 1
        entry["met"] += int(row.year.met)
    return rows


register_source(Source(key="training_classes", label="培训班次", queryset=_classes,
                       measures=lambda: {"classes": Count("id")}, period_field="start", period_is_date=True))
register_source(Source(key="training_attendance", label="参训人次", queryset=_enrolments,
                       measures=lambda: {"trainees": Count("id")},
                       period_field="training_class__start", period_is_date=True))
register_source(Source(key="training_ratings", label="培训评价", queryset=_ratings,
                       measures=lambda: {"stars": Sum("class_stars"), "rated": Count("id")},
                       path_field="enrolment__area_path", period_field="at"))
register_source(Source(key="training_needs", label="培训需求", queryset=_needs,
                       measures=lambda: {"needs": Count("id"), "covered": Count("id", filter=Q(course__isnull=False))}))
register_source(Source(key="training_requirement", label="学时达标", queryset=_classes,
                       measures=lambda: {"cadres": None, "met": None}, grid_rows=_requirement_rows))

count_of("training_classes", "培训班次", "Training classes held", "期", GROUP_TRAINING,
         "training_classes.classes", drill=_drill("training:classes"), drill_allowed=_allowed)
count_of("training_trainee_times", "参训人次", "Trainee-times", "人次", GROUP_TRAINING,
         "training_attendance.trainees", drill=_drill("training:classes"), drill_allowed=_allowed)
rate("training_requirement_rate", "干部学时达标率", "Cadres meeting their credit-hour requirement",
     GROUP_TRAINING, "training_requirement.met", "training_requirement.cadres",
     drill=_drill("training:ledger"), drill_allowed=_allowed)
average("training_rating", "培训平均评分", "Average class rating", "星", GROUP_TRAINING,
        "training_ratings.stars", "training_ratings.rated", drill=_drill("training:classes"),
        drill_allowed=_allowed)
rate("training_needs_covered", "培训需求课程覆盖率", "Training needs covered by a course", GROUP_TRAINING,
     "training_needs.covered", "training_needs.needs", drill=_drill("training:needs", yearly=False),
     drill_allowed=_allowed)
