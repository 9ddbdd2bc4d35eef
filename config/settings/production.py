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
# The app's role must not be a superuser (it could switch the audit triggers off).
WANGGE_DB_ALLOW_SUPERUSER = env_bool("WANGGE_DB_ALLOW_SUPERUSER", False)

# The rate-limit counters must be shared by every gunicorn worker.
WANGGE_CACHE_URL = env_str("WANGGE_CACHE_URL", "redis://127.0.0.1:6379/2")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": WANGGE_CACHE_URL}
}

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
