"""The extension point for a self-hosted basemap (issue 14).

Maps on pages of any app (the resident's report page, the grid map, the command screen,
the facility pages) draw street lines the app serves itself when some installed app
offers them, and work exactly as before when none does. An app offers a basemap in its
``nav.py``::

    BASEMAP = [Basemap("facilities:basemap", available=lambda: network_exists())]

``url_name`` names a JSON endpoint answering ``?s=&w=&n=&e=`` (a box in WGS-84) with
``{"lines": [[[lat, lng], [lat, lng]], …], "attribution": "…"}``; ``available()`` says
whether it has anything to draw now (checked per page, so keep it one cheap query).
Pages put ``basemap_url()`` on their map element (``data-basemap``) or in their JSON
config, and ``web/basemap.js`` (``WanggeBasemap.attach(map, url)``) draws the lines.
No app names another: the pages ask this module, which collects ``nav.BASEMAP``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from wangge.core.nav import collect


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Basemap:
    """Street lines an app serves for any map (see the module docstring)."""

    url_name: str
    available: Callable[[], bool] = _always
    order: int = 100


def basemap_url() -> str:
    """The URL of the first available basemap, or ``""`` when no app offers one now."""
    for entry in collect("BASEMAP"):
        if entry.available():
            return reverse(entry.url_name)
    return ""
