"""Production: PostgreSQL, Redis-backed Celery, real secrets required."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
WANGGE_DEMO = False
CELERY_TASK_ALWAYS_EAGER = False

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
WANGGE_FIELD_KEY = env_str("WANGGE_FIELD_KEY")
WANGGE_BLIND_INDEX_KEY = env_str("WANGGE_BLIND_INDEX_KEY")
for _name, _value in [
    ("DJANGO_SECRET_KEY", SECRET_KEY),
    ("WANGGE_FIELD_KEY", WANGGE_FIELD_KEY),
    ("WANGGE_BLIND_INDEX_KEY", WANGGE_BLIND_INDEX_KEY),
]:
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL")
# Persistent connections, health-checked before reuse (base.py): a PostgreSQL restart
# costs one reconnect per worker, not a 500.
WANGGE_DB_CONN_MAX_AGE = env_int("WANGGE_DB_CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_MAX_AGE"] = WANGGE_DB_CONN_MAX_AGE
# The app's role must not be a superuser (it could switch the audit triggers off).
WANGGE_DB_ALLOW_SUPERUSER = env_bool("WANGGE_DB_ALLOW_SUPERUSER", False)

# The rate-limit counters must be shared by every gunicorn worker (while Redis is away
# each worker counts alone: wangge.core.cache).
WANGGE_CACHE_URL = env_str("WANGGE_CACHE_URL", "redis://127.0.0.1:6379/2")
CACHES = {"default": redis_cache(WANGGE_CACHE_URL)}  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
WANGGE_API_DOCS_PUBLIC = env_bool("WANGGE_API_DOCS_PUBLIC", False)
# Health probes reach the app server directly over plain HTTP; /healthz carries nothing personal.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
