"""The demo engine: its simulated clock, its discovery of the apps' demo.py, and its
independence from the domain apps."""

import ast
import heapq
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from wangge.core import clock
from wangge.demo.history import ActivityStats, World
from wangge.demo.registry import demo_hooks, demo_modules

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=clock.LOCAL_TZ)
DOMAIN_APPS = ("wangge.people", "wangge.cases", "wangge.patrols")


def test_the_simulated_clock_answers_for_the_block_and_is_restored_after_it():
    # given
    instant = [NOW]

    # when
    with clock.simulated(lambda: instant[0]):
        inside = (clock.now(), timezone.now(), clock.today())
        instant[0] = NOW.replace(day=3)
        moved = clock.now()

    # then: Django's own stamps follow it too, and the real clock is back afterwards
    assert inside == (NOW, NOW, NOW.date())
    assert moved == NOW.replace(day=3)
    assert abs((clock.now() - timezone.now()).total_seconds()) < 5
    assert clock.now().year >= 2026 and clock.now() != NOW


def test_the_world_runs_stories_in_time_order_and_only_up_to_its_end():
    # given: a week ending on a Monday morning, two stories
    world = World(seed=1, days=7, until=NOW, stats=ActivityStats(days=7))
    seen = []

    def ticker(name, hours):
        while True:
            seen.append((name, clock.now()))
            yield world.later(world.rng(name), hours, hours, office=False)

    # when
    world.spawn(world.start, ticker("slow", 50))
    world.spawn(world.start, ticker("fast", 30))
    with clock.simulated(world.current):
        while world.queue:
            instant, _, story = heapq.heappop(world.queue)
            world.now = instant
            world.spawn(next(story), story)

    # then: each step ran at its instant, in order, none after the end
    times = [at for _, at in seen]
    assert times == sorted(times)
    assert all(world.start <= at <= NOW for at in times)
    assert [name for name, _ in seen].count("fast") == 6
    assert [name for name, _ in seen].count("slow") == 4


def test_the_engine_finds_the_apps_demo_modules_but_not_itself():
    # when
    names = [module.__name__ for module in demo_modules()]

    # then: in INSTALLED_APPS order
    assert names[:5] == [
        "wangge.areas.demo",
        "wangge.accounts.demo",
        "wangge.people.demo",
        "wangge.cases.demo",
        "wangge.patrols.demo",
    ]
    assert not any(name.startswith("wangge.demo") for name in names)
    assert len(demo_hooks("city_place")) == 2


def test_the_engine_imports_no_domain_app():
    # given
    root = Path(__file__).resolve().parents[1]
    files = [p for p in root.rglob("*.py") if "tests" not in p.parts]

    # when
    imported = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)

    # then
    assert len(files) >= 8
    assert [m for m in sorted(imported) if m.startswith(DOMAIN_APPS)] == []
