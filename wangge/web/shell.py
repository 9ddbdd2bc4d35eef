"""The signed-in workbench and the public front door, built from every app's ``nav.py``
(``WORKBENCH`` tiles, ``PUBLIC`` links; see wangge.core.nav)."""

from dataclasses import dataclass

from django.urls import reverse

from wangge.core.nav import collect


@dataclass(frozen=True)
class ShownTile:
    label: str
    url: str
    count: int
    tone: str


def tile_url(target: str) -> str:
    """``"cases:work_list?tab=overdue"`` → ``"/cases/?tab=overdue"``."""
    name, _, query = target.partition("?")
    url = reverse(name)
    return f"{url}?{query}" if query else url


def workbench_tiles(user) -> list[ShownTile]:
    """The tiles the user's roles allow, each with its count in the user's areas."""
    return [
        ShownTile(str(tile.label), tile_url(tile.url), int(tile.count(user)), tile.tone)
        for tile in collect("WORKBENCH")
        if tile.allowed(user)
    ]


def public_links() -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name), "description": link.description}
        for link in collect("PUBLIC")
    ]
