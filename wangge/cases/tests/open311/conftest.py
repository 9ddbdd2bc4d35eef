import pytest

from wangge.cases.tests.open311.support import API_KEY, World, build_world


@pytest.fixture
def world(city, settings) -> World:
    settings.WANGGE_OPEN311_API_KEYS = [API_KEY, "another-key"]
    return build_world(city)
