"""The register of import kinds, collected from each installed app's ``imports.py``.

An app offers kinds by defining, in ``<app>/imports.py``::

    IMPORT_KINDS = [Kind(key="benches", label="长椅", handler=BenchHandler)]
    # optional: buttons on the import page, e.g. the app's exports
    def PAGE_LINKS(user) -> list[tuple[str, str]]: ...   # (label, url)

The engine names no app: it iterates ``django.apps.apps.get_app_configs()``.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from wangge.imports.kinds import KindHandler


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    handler: type[KindHandler]
    # Who may import this kind (rows are then checked against the user's scope).
    permission: Callable
    # Shown under the template buttons on the import page.
    hint: str = ""
    # Added to "上传后先预览：检查每一行…" (what else the kind's preview shows).
    preview_hint: str = ""
    # An extra section of the result (e.g. the households a preview would create).
    result_template: str = ""
    # AuditEvent.object_type of the import rows; default "<app label>.import".
    audit_type: str = ""


def _import_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


@cache
def _collect() -> tuple[dict[str, Kind], tuple[Callable, ...]]:
    kinds: dict[str, Kind] = {}
    links: list[Callable] = []
    for config in apps.get_app_configs():
        module = _import_module(f"{config.name}.imports")
        if module is None:
            continue
        for kind in getattr(module, "IMPORT_KINDS", ()):
            if kind.key in kinds:
                raise ImproperlyConfigured(f"Import kind {kind.key!r} is registered twice")
            kinds[kind.key] = replace(kind, audit_type=kind.audit_type or f"{config.label}.import")
        page_links = getattr(module, "PAGE_LINKS", None)
        if page_links is not None:
            links.append(page_links)
    return kinds, tuple(links)


def import_kinds() -> dict[str, Kind]:
    """Every registered kind by key, in INSTALLED_APPS order then the app's own order."""
    return _collect()[0]


def import_kind_get(key: str) -> Kind | None:
    return import_kinds().get(key)


def import_kinds_for(user) -> list[Kind]:
    """The kinds this user may import."""
    return [kind for kind in import_kinds().values() if kind.permission(user)]


def can_import_any(user) -> bool:
    return bool(import_kinds_for(user))


def import_page_links(user) -> list[tuple[str, str]]:
    return [link for page_links in _collect()[1] for link in page_links(user)]
