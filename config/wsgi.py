import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Import the URLconf, compile the templates and load the catalogues now, in gunicorn's
# master before it forks (preload_app), not on each worker's first requests.
from wangge.core.warmup import warm  # noqa: E402

warm()
