"""The web process's warm-up (config/wsgi.py, before gunicorn forks its workers)."""

from django.urls import get_resolver

from wangge.core.warmup import template_names, warm


def test_warm_up_imports_the_urls_and_compiles_every_template_without_the_database():
    # given a process that has served nothing (this test may not touch the database:
    # the warm-up runs in gunicorn's master, whose connections the workers would share)
    # when it warms up
    counts = warm(reference_copies=False)
    # then the URLconf is imported and every template compiled
    assert counts["patterns"] == len(get_resolver().url_patterns) > 0
    names = template_names()
    assert "base.html" in names and "cases/report.html" in names
    assert counts["templates"] == len(names)


def test_gunicorn_preloads_the_warmed_app():
    # the master loads (and warms) the app once; workers fork from it
    from pathlib import Path

    namespace: dict = {}
    conf = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)  # noqa: S102
    assert namespace["preload_app"] is True


def test_the_reference_copies_are_loaded_for_the_workers(city):
    # given the reference copies dropped (as in a fresh process)
    from wangge.areas.reference import _grids
    from wangge.core.refcache import _ALL, refcache_clear_all
    from wangge.core.warmup import load_reference_copies

    refcache_clear_all()
    # when the master loads them before forking
    loaded = load_reference_copies()
    # then every copy is there, the grid index included
    assert loaded == len(_ALL) and _grids._value is not None
