import pytest

from wangge.cases.tests.factories import build_world


@pytest.fixture
def world(city):
    return build_world(city)
