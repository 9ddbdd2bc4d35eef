"""Consultation tests: the closed-loop world (wangge.testing.worlds) on a fixed clock."""

from datetime import datetime

import pytest

from wangge.core import clock
from wangge.testing.worlds import build_world

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def frozen_at():
    return NOW


@pytest.fixture
def world(city, frozen):
    return build_world(city)
