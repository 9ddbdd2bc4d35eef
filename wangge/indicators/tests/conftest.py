"""A small city whose every figure is worked out by hand in ``wangge/testing/indicator_city.py``
(the shared builders: these tests import no domain app)."""

import pytest

from wangge.testing.indicator_city import NOW, build_data


@pytest.fixture
def frozen_at():
    """clock.now() is 15 April 2026, 10:00 Shanghai time: March is a closed month
    (the root conftest's ``frozen`` starts here)."""
    return NOW


@pytest.fixture
def data(city, frozen):
    return build_data(city)


@pytest.fixture(autouse=True)
def score_minimum(settings):
    """The hand-checked departments have 2 and 3 dispatches: rank them (the minimum's own
    tests set it back up)."""
    settings.WANGGE_SCORE_MIN_CASES = 1
