"""What a web process would otherwise do on its first requests, done once before it serves.

Django imports the URLconf (every view module and the API) on the first request, compiles
each template the first time it is rendered and reads each language's catalogues on
first use. In a gunicorn worker that is about 1.5 s spread over its first requests, and
workers are replaced every few thousand requests (``max_requests``): under the load test
the rarely used pages (the resident's report form, a report with a photo) met a fresh
worker often enough that their p95 was the cold path (400–450 ms against 50 ms warm).

``config/gunicorn.conf.py`` preloads the app, and ``config/wsgi.py`` calls :func:`warm`
in the master before it forks, so every worker, including each replacement, starts warm.
The reference copies are read from the database; its connections are closed before the
fork (a connection shared by forked workers would mix their conversations).
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def template_names() -> list[str]:
    """Every template of the project's and the apps' template directories."""
    names: set[str] = set()
    for engine in engines.all():
        dirs = list(engine.template_dirs)
        for directory in dirs:
            root = Path(directory)
            if root.is_dir():
                names.update(str(path.relative_to(root)) for path in root.rglob("*.html"))
    return sorted(names)


def load_reference_copies() -> int:
    """Load the process-local reference copies (core.refcache: categories, routing, the
    grid index) so that workers forked from here start with them. A database or cache
    that is not there yet only means each worker loads its own copy on first use."""
    from wangge.core.refcache import _ALL

    loaded = 0
    for copy in _ALL:
        try:
            copy.get()
        except Exception as error:  # noqa: BLE001 (a warm-up never stops the app loading)
            logger.warning("warm: %s not loaded (%s)", copy.name, error)
            continue
        loaded += 1
    return loaded


def warm(*, reference_copies: bool = True) -> dict[str, int]:
    """Import the URLconf, compile the templates, load the catalogues and (optionally)
    the reference copies; returns counts. Closes the database connections it opened."""
    patterns = len(get_resolver().url_patterns)
    compiled = 0
    for name in template_names():
        for engine in engines.all():
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue
            compiled += 1
            break
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("登录")
    # Modules a photo upload imports on first use.
    from PIL import Image  # noqa: F401

    copies = load_reference_copies() if reference_copies else 0
    connections.close_all()
    logger.info("warm: %s URL patterns, %s templates, %s reference copies",
                patterns, compiled, copies)
    return {"patterns": patterns, "templates": compiled, "reference_copies": copies}
