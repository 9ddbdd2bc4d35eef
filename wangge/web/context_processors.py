from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wangge.accounts.backoffice import admin_link_visible
from wangge.core.nav import collect


def navigation(request):
    """The sidebar: every app's ``nav.MENU`` entries the user's roles allow, in ``order``
    (the apps' modules are imported once per process; per request only the predicates)."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for entry in collect("MENU"):
            if entry.allowed(user):
                url = reverse(entry.url_name)
                items.append({"label": entry.label, "url": url,
                              "active": request.path == url or (url != "/" and request.path.startswith(url))})
        if admin_link_visible(request):
            items.append({"label": _("后台管理"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "map_tile_url": settings.WANGGE_MAP_TILE_URL}
