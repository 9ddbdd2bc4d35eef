import tempfile

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
WANGGE_DEMO = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
    DATABASES["default"]["TEST"] = {"NAME": None}

# Uploaded photos and import reports of test runs never land in the project's var/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="wangge-test-media-")
WANGGE_IMPORT_REPORT_DIR = tempfile.mkdtemp(prefix="wangge-test-reports-")

# A test-only domain module (tests/exampledomain): found by every extension point without
# any shared file naming it.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.exampledomain"]  # noqa: F405
