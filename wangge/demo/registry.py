"""Discovery of the apps' ``demo.py`` modules (like Django's admin autodiscovery)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def demo_modules() -> list[ModuleType]:
    """Every installed app's ``<app>.demo`` module, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name == __package__ or find_spec(name) is None:
            continue
        modules.append(import_module(name))
    return modules


def demo_hooks(name: str) -> list:
    """The functions called ``name`` that the demo modules define, in app order."""
    return [getattr(m, name) for m in demo_modules() if callable(getattr(m, name, None))]
