"""Process-local reference copies: loaded once, dropped on a save, reloaded when old."""

import pytest

from wangge.cases.models import Category
from wangge.core.refcache import RefCache

pytestmark = pytest.mark.django_db


def test_copy_is_loaded_once_then_dropped_by_a_save_and_reloaded_when_old(settings):
    # given a copy of the category table that counts its loads
    loads = []
    copy = RefCache("probe", lambda: loads.append(1) or Category.objects.count(), models=[Category])
    # when it is read twice
    first, second = copy.get(), copy.get()
    # then it was loaded once
    assert first == second and len(loads) == 1
    # and a save through the ORM drops it
    Category.objects.first().save()
    copy.get()
    assert len(loads) == 2
    # and an expired copy is loaded again
    settings.WANGGE_REFCACHE_SECONDS = -1
    copy.get()
    assert len(loads) == 3
