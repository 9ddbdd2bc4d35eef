"""Devolved-powers figures: powers taken on per street, exercise records, and the
assessment results of stationed offices (discovered by wangge.indicators)."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wangge.indicators.definitions import Source, average, count_of, register_source

GROUP_POWERS = "街道赋权"

# The units, for the catalogue (wangge.indicators.labels translates them with pgettext).
UNITS = (pgettext_lazy("unit", "项"), pgettext_lazy("unit", "次"), pgettext_lazy("unit", "分"))

PANELS = {"ranking": {"powers_taken": 300}}


def _allowed(user, *args) -> bool:
    from wangge.powers.permissions import can_read_powers

    return can_read_powers(user)


def _drill(name: str):
    def url(area, period, department=None) -> str:
        return f"{reverse(name)}?year={period.first_day.year}" if name == "powers:results" else reverse(name)

    return url


def _powers():
    from wangge.powers.models import StreetPower

    return StreetPower.objects.all()


def _exercises():
    from wangge.powers.models import PowerExercise

    return PowerExercise.objects.all()


def _assessments():
    from wangge.powers.models import Assessment

    return Assessment.objects.filter(status=Assessment.Status.SUBMITTED)


register_source(Source(key="powers_taken", label="承接事项", queryset=_powers,
                       measures=lambda: {"powers": Count("id")}))
register_source(Source(key="powers_exercises", label="行权记录", queryset=_exercises,
                       measures=lambda: {"exercises": Count("id")}, period_field="date", period_is_date=True))
register_source(Source(key="powers_assessments", label="派驻机构考核", queryset=_assessments,
                       measures=lambda: {"total": Sum("total"), "assessed": Count("id")},
                       department_field="department_id"))

count_of("powers_taken", "街道承接赋权事项数", "Devolved powers taken on", "项", GROUP_POWERS,
         "powers_taken.powers", drill=_drill("powers:home"), drill_allowed=_allowed)
count_of("powers_exercises", "行权记录数", "Uses of devolved powers", "次", GROUP_POWERS,
         "powers_exercises.exercises", drill=_drill("powers:home"), drill_allowed=_allowed)
average("powers_assessment_score", "派驻机构考核平均分", "Stationed offices' average assessment score", "分",
        GROUP_POWERS, "powers_assessments.total", "powers_assessments.assessed",
        drill=_drill("powers:results"), drill_allowed=_allowed)
