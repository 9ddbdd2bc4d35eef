"""Process-local reference copies: loaded once, dropped on a save, reloaded when another
process announces a change (a stamp in the shared cache) or when old."""

import pytest

from wangge.cases.models import Category
from wangge.core.refcache import RefCache

pytestmark = pytest.mark.django_db


def _counting_copy(loads: list, name: str = "probe") -> RefCache:
    return RefCache(name, lambda: loads.append(1) or Category.objects.count(), models=[Category])


def test_copy_is_loaded_once_then_dropped_by_a_save_and_reloaded_when_old_and_unstamped(
    settings,
):
    # given a copy of the category table that counts its loads
    loads = []
    copy = _counting_copy(loads)
    # when it is read twice
    first, second = copy.get(), copy.get()
    # then it was loaded once
    assert first == second and len(loads) == 1
    # and a save through the ORM drops it
    Category.objects.first().save()
    copy.get()
    assert len(loads) == 2
    # and an old copy whose table nobody changed is kept (the shared stamp is the same)
    settings.WANGGE_REFCACHE_SECONDS = -1
    settings.WANGGE_REFCACHE_CHECK_SECONDS = -1
    copy.get()
    assert len(loads) == 2
    # but while the shared cache has no stamp (Redis away or emptied) an old copy is
    # loaded again: nobody could have told this process about a change
    from django.core.cache import cache

    cache.delete(copy.stamp_key)
    copy.get()
    assert len(loads) == 3


def test_another_process_reloads_on_a_change_and_only_then(
    settings, django_capture_on_commit_callbacks
):
    # given two processes' copies of the same table, each asking for the stamp every time
    settings.WANGGE_REFCACHE_CHECK_SECONDS = -1
    here, there = [], []
    mine, theirs = _counting_copy(here, "shared"), _counting_copy(there, "shared")
    mine.get(), theirs.get()
    # when nothing changes, the other process keeps its copy however often it asks
    for _ in range(3):
        theirs.get()
    assert len(there) == 1
    # when this process saves a category (the stamp is set once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        Category.objects.first().save()
    # then the other process loads the table again on its next check, once
    theirs.get(), theirs.get()
    assert len(there) == 2
