"""The embedded demo: SQLite, eager Celery, demo accounts on.

Debug is off as in production (DJANGO_DEBUG=1 turns it on while developing): a user who
follows a link outside their scope sees the site's 404 page, never Django's debug page.
Static files are served as in production, with hashed names and long cache lifetimes,
compressed by WhiteNoise; scripts/demo collects them (manage.py collectstatic).
"""

from config.env import env_bool, env_list

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = env_bool("DJANGO_DEBUG", False)
WANGGE_DEMO = True
# The demo signs in with passwords only unless WANGGE_OTP_REQUIRED_ROLES is set (README).
WANGGE_OTP_REQUIRED_ROLES = env_list("WANGGE_OTP_REQUIRED_ROLES", ["none"])
if not DEBUG:
    STORAGES["staticfiles"] = {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }
