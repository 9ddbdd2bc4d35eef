import pytest

from wangge.testing.worlds import build_world


@pytest.fixture
def world(city):
    return build_world(city)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary directory, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
