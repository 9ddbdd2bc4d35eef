from wangge.accounts.models import Role
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.testing.users import make_user
from wangge.training import services

CODES = ["training_classes", "training_trainee_times", "training_requirement_rate", "training_rating",
         "training_needs_covered"]


def test_training_figures_per_area(tw):
    services.check_in(actor=tw.cadre_user, token=tw.full_time.token)
    services.class_rate(actor=tw.cadre_user, class_id=tw.full_time.pk, class_stars=4, lecturer_stars=5)
    officer = make_user(Role.CITY_OFFICER, tw.city)
    figures = area_figures(user=officer, area=tw.city, period=Period(2026, 6), codes=CODES)
    assert figures.total["training_classes"] == 1
    assert figures.total["training_trainee_times"] == 1
    assert figures.total["training_rating"] == 4.0
    assert figures.total["training_requirement_rate"] == 0.0


def test_powers_figures_exist():
    from wangge.indicators.definitions import INDICATORS

    assert {"powers_taken", "powers_exercises", "powers_assessment_score"} <= set(INDICATORS)
