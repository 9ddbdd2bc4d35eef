"""A small city whose every figure is worked out by hand in ``data.py``."""

import pytest

from wangge.indicators.tests.data import NOW, build_data


@pytest.fixture
def frozen_at():
    """clock.now() is 15 April 2026, 10:00 Shanghai time: March is a closed month
    (the root conftest's ``frozen`` starts here)."""
    return NOW


@pytest.fixture
def data(city, frozen):
    return build_data(city)
