"""The shell's extension point for navigation (issue 11).

Every installed app may ship a ``nav.py`` with any of:

- ``MENU: list[MenuItem]`` — sidebar entries, shown when ``allowed(user)``;
- ``WORKBENCH: list[Tile]`` — the signed-in home's "what needs me now" tiles;
- ``PUBLIC: list[PublicLink]`` — the public front door's entries for visitors;
- ``AUDIT_LABELS: dict[str, str]`` — its audit actions in words (collected by audit);
- ``PANELS: list[Panel]`` — a section it adds to another app's detail page (the page
  collects them by its own name, e.g. ``"people.household"``).

The collectors (``wangge.web`` for the menu, workbench and front door, ``wangge.audit`` for
the labels) iterate the installed apps and import ``<app.name>.nav`` once per process: no
shared file names an app.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import AppConfig, apps


def _always(user) -> bool:
    return True


@dataclass(frozen=True)
class MenuItem:
    """One sidebar entry: ``url_name`` is reversed; lower ``order`` comes first."""

    label: str
    url_name: str
    allowed: Callable[..., bool]
    order: int = 100


@dataclass(frozen=True)
class Tile:
    """One workbench tile: a link with a count of what waits for the user.

    ``url`` is a URL name, optionally with a query (``"cases:work_list?tab=to_accept"``).
    ``count(user)`` must be cheap: tiles of one app share one aggregate (memoize it on the
    user for the request, see ``per_request``). ``tone`` is ``""``, ``"warn"`` or
    ``"danger"`` (drawn only when the count is not zero)."""

    label: str
    url: str
    count: Callable[..., int]
    allowed: Callable[..., bool] = _always
    tone: str = ""
    order: int = 100


@dataclass(frozen=True)
class PublicLink:
    """One entry of the public front door (``/`` for visitors and residents)."""

    label: str
    url_name: str
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A section an app adds to another app's detail page. ``html(request, obj)`` returns
    the rendered section, or ``""`` when there is nothing for this user or object (it
    checks its own permissions and scope); ``page`` names the page that draws it."""

    page: str
    html: Callable[..., str]
    order: int = 100


def panels_html(page: str, request, obj) -> list[str]:
    """The rendered sections other apps add to ``page`` for ``obj`` (empty ones left out)."""
    out = []
    for panel in collect("PANELS"):
        if panel.page == page:
            html = panel.html(request, obj)
            if html:
                out.append(html)
    return out


def per_request(key: str, user, compute: Callable[[], object]):
    """``compute()`` once per user object (i.e. once per request): the tiles of one app
    read their counts from one aggregate."""
    memo = user.__dict__.setdefault("_wangge_nav_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@cache
def _app_module(app_name: str, module: str) -> ModuleType | None:
    name = f"{app_name}.{module}"
    try:
        if find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return import_module(name)


def app_modules_by_config(module: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """(app config, ``<app>.<module>``) of every installed app that has one, in
    INSTALLED_APPS order (imported once per process)."""
    for config in apps.get_app_configs():
        found = _app_module(config.name, module)
        if found is not None:
            yield config, found


def app_modules(module: str) -> Iterator[ModuleType]:
    for _config, found in app_modules_by_config(module):
        yield found


@cache
def collect(attribute: str, module: str = "nav") -> tuple:
    """Every app's ``<module>.<attribute>`` list, concatenated, stably sorted by ``order``
    where the entries have one (worked out once per process)."""
    entries = [entry for found in app_modules(module) for entry in getattr(found, attribute, ())]
    if entries and all(hasattr(entry, "order") for entry in entries):
        entries.sort(key=lambda entry: entry.order)
    return tuple(entries)
