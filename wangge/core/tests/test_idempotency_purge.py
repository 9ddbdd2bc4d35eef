"""Old first answers are forgotten nightly; recent ones still replay."""

from datetime import timedelta

import pytest

from wangge.core import clock
from wangge.core.models import IdempotencyRecord
from wangge.core.tasks import purge_idempotency_records

pytestmark = pytest.mark.django_db


def test_nightly_purge_forgets_answers_older_than_the_setting(django_user_model, settings):
    # given one answer from 31 days ago and one from yesterday
    settings.WANGGE_IDEMPOTENCY_DAYS = 30
    user = django_user_model.objects.create(username="phone-owner")
    old = IdempotencyRecord.objects.create(user=user, key="old", scope="s", fingerprint="f")
    new = IdempotencyRecord.objects.create(user=user, key="new", scope="s", fingerprint="f")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=31))
    IdempotencyRecord.objects.filter(pk=new.pk).update(created_at=clock.now() - timedelta(days=1))
    # when the nightly task runs
    purged = purge_idempotency_records.delay().get()
    # then only the old one is gone
    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
