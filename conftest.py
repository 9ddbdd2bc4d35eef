import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` prove something only PostgreSQL has (roles, grants):
    elsewhere they are deselected, not skipped, so CI's "nothing skipped" rule holds."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    dropped = [item for item in items if item.get_closest_marker("postgres_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


@pytest.fixture
def city(db):
    from wangge.testing import build_city

    return build_city()


@pytest.fixture
def frozen_at():
    """Where ``frozen`` starts (a datetime); None leaves the clock alone until the test
    sets it. A package's conftest overrides it to give its tests their fixed "now"."""
    return None


@pytest.fixture
def frozen(monkeypatch, frozen_at):
    """The one frozen clock (wangge.testing.clock.FrozenClock): ``frozen(instant)`` or
    ``frozen(day, hour)`` moves it."""
    from wangge.testing.clock import FrozenClock

    return FrozenClock(monkeypatch, frozen_at)


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Each test builds its own areas, rules and users; a copy cached by an earlier test
    (rolled back, so no signal said so; SQLite even reuses its ids) must not answer."""
    from django.core.cache import cache

    from wangge.core.refcache import refcache_clear_all

    refcache_clear_all()
    cache.clear()
    yield
    refcache_clear_all()
    cache.clear()


@pytest.fixture(autouse=True)
def _transactional_flush_passes_the_audit_trigger(request):
    """Transactional tests (browser, races) end with a TRUNCATE that the audit table's
    append-only trigger refuses on PostgreSQL; let exactly that flush through."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        from wangge.testing import allow_audit_truncate_once

        allow_audit_truncate_once()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a full sign-in: for users whose roles need
    the TOTP second factor, the session is marked verified too (wangge.testing). Tests
    of the second factor itself sign in through the login page instead."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from wangge.testing import otp_session_verify

        otp_session_verify(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
