"""A small city whose every figure is worked out by hand in ``data.py``."""

import pytest

from tests.indicator_city import NOW, build_data
from wangge.core import clock


@pytest.fixture
def frozen(monkeypatch):
    """clock.now() is 15 April 2026, 10:00 Shanghai time: March is a closed month."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def data(city, frozen):
    return build_data(city)


@pytest.fixture(autouse=True)
def score_minimum(settings):
    """The hand-checked departments have 2 and 3 dispatches: rank them (the minimum's own
    tests set it back up)."""
    settings.WANGGE_SCORE_MIN_CASES = 1
