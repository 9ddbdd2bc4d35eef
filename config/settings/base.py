from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-insecure-secret-key-change-me-0123456789abcdef")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "wangge.accounts.adminconfig.WanggeAdminConfig",  # django.contrib.admin, scoped site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wangge.core",
    "wangge.audit",
    "wangge.areas",
    "wangge.accounts",
    "wangge.imports",
    "wangge.notifications",
    "wangge.people",
    "wangge.cases",
    "wangge.patrols",
    "wangge.party",
    "wangge.facilities",
    "wangge.training",
    "wangge.powers",
    "wangge.finance",
    "wangge.consultation",
    "wangge.property",
    "wangge.employment",
    "wangge.indicators",
    "wangge.demo",
    "wangge.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # NUL bytes and oversized bodies are refused before anything reads them (sessions too).
    "wangge.core.middleware.InputCleaningMiddleware",
    # A database that is away or busy: 503 in words, never a 500 (wangge.core.dbfaults).
    "wangge.core.dbfaults.DatabaseTroubleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wangge.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wangge.web.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wangge.accounts.middleware.SessionLifetimeMiddleware",
    "wangge.accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wangge.web.context_processors.navigation",
                "wangge.notifications.context_processors.notices",
            ]
        },
    }
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'wangge.sqlite3'}"),
    )
}
# Persistent connections (seconds; production 60) are checked before each request reuses
# them, so the first requests after a PostgreSQL restart reconnect instead of failing.
WANGGE_DB_CONN_MAX_AGE = env_int("WANGGE_DB_CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 0))
DATABASES["default"]["CONN_MAX_AGE"] = WANGGE_DB_CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: longest wait for a row or table lock held by another session, and longest
# statement (milliseconds, 0: no limit). A request that hits either is answered 503 "busy,
# try again" (wangge.core.dbfaults) instead of hanging. The statement limit is off here for
# workers and commands; the web server sets it below its worker timeout (gunicorn.conf.py).
WANGGE_DB_LOCK_TIMEOUT_MS = env_int("WANGGE_DB_LOCK_TIMEOUT_MS", 5000)
WANGGE_DB_STATEMENT_TIMEOUT_MS = env_int("WANGGE_DB_STATEMENT_TIMEOUT_MS", 0)
# The shorter wait for a case's row lock when a person acts on the case (milliseconds). Two
# people acting at once still meet as a conflict (an action holds the row for tens of ms);
# a case held longer (a stuck session) answers "being handled, try again" at once instead
# of holding a web worker for the whole lock timeout. 0: the connection's lock timeout.
WANGGE_CASE_LOCK_WAIT_MS = env_int("WANGGE_CASE_LOCK_WAIT_MS", 200)
# Seconds a connection attempt to PostgreSQL may take (a database that is away answers 503).
WANGGE_DB_CONNECT_TIMEOUT = env_int("WANGGE_DB_CONNECT_TIMEOUT", 3)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", WANGGE_DB_CONNECT_TIMEOUT)
    _options["options"] = " ".join(
        part
        for part in (
            _options.get("options", ""),
            f"-c lock_timeout={WANGGE_DB_LOCK_TIMEOUT_MS}",
            f"-c statement_timeout={WANGGE_DB_STATEMENT_TIMEOUT_MS}",
        )
        if part
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

# PostgreSQL roles (README, "Production"): DATABASE_URL is the app's role (DML grants
# only); `manage.py migrate` connects with DATABASE_MIGRATE_URL, the owner role, when set,
# and re-grants the app role afterwards. A superuser connection is refused unless allowed.
DATABASE_MIGRATE_URL = env_str("DATABASE_MIGRATE_URL", "")
WANGGE_DB_ALLOW_SUPERUSER = env_bool("WANGGE_DB_ALLOW_SUPERUSER", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wangge.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Argon2id first (wangge/accounts/hashers.py); older PBKDF2 hashes are checked and upgraded
# at the next sign-in.
PASSWORD_HASHERS = [
    "wangge.accounts.hashers.WanggeArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("WANGGE_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wangge.accounts.validators.StaffCharacterClassValidator"},
]

# Account and session policy (docs/security.md); every number can be overridden.
# Wrong passwords or codes per username before a lockout of WANGGE_LOCKOUT_MINUTES.
WANGGE_LOCKOUT_FAILURES = env_int("WANGGE_LOCKOUT_FAILURES", 5)
WANGGE_LOCKOUT_MINUTES = env_int("WANGGE_LOCKOUT_MINUTES", 30)
# A session ends after this long idle, and this long after sign-in whatever happens.
WANGGE_SESSION_IDLE_MINUTES = env_int("WANGGE_SESSION_IDLE_MINUTES", 30)
WANGGE_SESSION_ABSOLUTE_HOURS = env_int("WANGGE_SESSION_ABSOLUTE_HOURS", 12)
# Character classes (upper, lower, digit, other) a staff password mixes.
WANGGE_STAFF_PASSWORD_CLASSES = env_int("WANGGE_STAFF_PASSWORD_CLASSES", 3)
WANGGE_PASSWORD_MAX_AGE_DAYS = env_int("WANGGE_PASSWORD_MAX_AGE_DAYS", 90)  # 0: never expires
# Login failures one client IP may cause per hour before its attempts are refused; a
# browser that signed in as the user before (known-device cookie) is not held back by it.
WANGGE_LOGIN_IP_FAILURES_PER_HOUR = env_int("WANGGE_LOGIN_IP_FAILURES_PER_HOUR", 30)
WANGGE_KNOWN_DEVICE_DAYS = env_int("WANGGE_KNOWN_DEVICE_DAYS", 180)  # known-device cookie
# Roles that must sign in with a TOTP second factor ("none" for nobody): the
# administrators, the roles that may reveal residents' ID numbers, and the party roles
# (party membership is sensitive personal information).
WANGGE_OTP_REQUIRED_ROLES = env_list(
    "WANGGE_OTP_REQUIRED_ROLES",
    ["system_admin", "security_admin", "audit_admin",
     "grid_worker", "community_staff", "street_staff",
     "party_secretary", "party_staff", "org_dept"],
)
OTP_TOTP_ISSUER = "网格化基层治理平台"
# Wrong codes count toward the account lockout above; django-otp's own per-device delay
# would refuse a right code typed soon after a wrong one and count it as a failure.
OTP_TOTP_THROTTLE_FACTOR = 0
# Per-user hourly budgets: resident/household rows read through lists, details and search
# (pages and API alike), and full ID numbers or phones revealed. Exports have their own.
WANGGE_BULK_READ_ROWS_PER_HOUR = env_int("WANGGE_BULK_READ_ROWS_PER_HOUR", 2000)
WANGGE_REVEALS_PER_HOUR = env_int("WANGGE_REVEALS_PER_HOUR", 30)
SESSION_COOKIE_AGE = WANGGE_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Demo accounts exist only when this is on (the demo command turns it on).
WANGGE_DEMO = env_bool("WANGGE_DEMO", False)

# Field encryption for ID numbers and phones; keys are 32 bytes, base64-encoded.
# The development defaults are fixed so that the demo works; production requires its own.
WANGGE_FIELD_KEY = env_str("WANGGE_FIELD_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLTAwMDA=")
WANGGE_BLIND_INDEX_KEY = env_str(
    "WANGGE_BLIND_INDEX_KEY", "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTMyYnl0ZXM="
)

# Uploads: Excel imports are checked by content, size and unpacked size.
WANGGE_IMPORT_MAX_BYTES = env_int("WANGGE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
WANGGE_IMPORT_MAX_UNPACKED_BYTES = env_int("WANGGE_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
WANGGE_IMPORT_MAX_ROWS = env_int("WANGGE_IMPORT_MAX_ROWS", 200_000)
WANGGE_IMPORT_REPORT_DIR = BASE_DIR / "var" / "import_reports"  # error reports of imports
# Excel exports (registry, briefing) one user may make per clock hour.
WANGGE_EXPORT_PER_HOUR = env_int("WANGGE_EXPORT_PER_HOUR", 30)

# Department composite score (wangge.cases.indicators): points taken off the weighted mean.
WANGGE_SCORE_LATE_DEDUCTION = env_int("WANGGE_SCORE_LATE_DEDUCTION", 20)  # at 0 % closed on time
WANGGE_SCORE_RETURN_DEDUCTION = env_int("WANGGE_SCORE_RETURN_DEDUCTION", 20)  # all returned
WANGGE_SCORE_REWORK_DEDUCTION = env_int("WANGGE_SCORE_REWORK_DEDUCTION", 20)  # all checks failed
WANGGE_SCORE_MIN_CASES = env_int("WANGGE_SCORE_MIN_CASES", 5)  # fewer dispatches: not ranked
# The monthly briefing's letterhead (wangge.indicators.briefing): issuer and number prefix.
WANGGE_BRIEFING_ISSUER = env_str("WANGGE_BRIEFING_ISSUER", "网格化服务管理中心")
WANGGE_BRIEFING_NUMBER_PREFIX = env_str("WANGGE_BRIEFING_NUMBER_PREFIX", "网格通报")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Largest request with files (an Excel import, or six 5 MB photos, plus the form); a
# bigger one is answered 413 before it is read. Plain and JSON bodies stop at
# DATA_UPLOAD_MAX_MEMORY_SIZE.
WANGGE_UPLOAD_MAX_BYTES = env_int(
    "WANGGE_UPLOAD_MAX_BYTES", max(WANGGE_IMPORT_MAX_BYTES, 30 * 1024 * 1024) + 2 * 1024 * 1024
)

# Map tiles come from a configurable URL; empty means "no tiles", the map still works.
WANGGE_MAP_TILE_URL = env_str("WANGGE_MAP_TILE_URL", "")
# Content-Security-Policy of every page (wangge.core.headers); empty means the built-in
# strict policy (own origin only, plus the tile server's).
WANGGE_CSP = env_str("WANGGE_CSP", "")
# /api/docs and /api/openapi.json for anonymous callers too (production: signed-in only).
WANGGE_API_DOCS_PUBLIC = env_bool("WANGGE_API_DOCS_PUBLIC", True)

# Open311 GeoReport v2: clients that may POST service requests (comma-separated keys).
WANGGE_OPEN311_API_KEYS = env_list("WANGGE_OPEN311_API_KEYS", [])

# The client IP (audit rows, report limits, login throttling): REMOTE_ADDR unless the
# header the reverse proxy writes is named here and the request came from a trusted proxy.
WANGGE_TRUSTED_PROXY_HEADER = env_str("WANGGE_TRUSTED_PROXY_HEADER", "")
WANGGE_TRUSTED_PROXY_COUNT = env_int("WANGGE_TRUSTED_PROXY_COUNT", 1)
WANGGE_TRUSTED_PROXIES = env_list("WANGGE_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Public reports without an account, per client IP and hour.
WANGGE_CASE_REPORTS_PER_HOUR = env_int("WANGGE_CASE_REPORTS_PER_HOUR", 20)
# Photos are decoded and re-encoded; larger images are refused before decoding.
WANGGE_CASE_PHOTO_MAX_PIXELS = env_int("WANGGE_CASE_PHOTO_MAX_PIXELS", 50_000_000)
# Consultation: "me too" supports that put a residents' proposal on the next meeting's
# agenda, and public proposals / check-ins per client IP and hour (docs/domain.md).
WANGGE_CONSULTATION_SUPPORT_THRESHOLD = env_int("WANGGE_CONSULTATION_SUPPORT_THRESHOLD", 3)
WANGGE_CONSULTATION_PUBLIC_PER_HOUR = env_int("WANGGE_CONSULTATION_PUBLIC_PER_HOUR", 20)
# Red property: days the company or community has to reply to an opinion-book entry,
# and the delivered share (%) from which an estate is eligible to form an owners' committee.
WANGGE_PROPERTY_REPLY_DAYS = env_int("WANGGE_PROPERTY_REPLY_DAYS", 5)
WANGGE_PROPERTY_COMMITTEE_MIN_DELIVERED = env_int("WANGGE_PROPERTY_COMMITTEE_MIN_DELIVERED", 50)
# Largest photo file accepted, and how many photos one case step may carry.
WANGGE_CASE_PHOTO_MAX_BYTES = env_int("WANGGE_CASE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
WANGGE_CASE_PHOTO_MAX_COUNT = env_int("WANGGE_CASE_PHOTO_MAX_COUNT", 6)
# Megabytes kept free on the upload disk (MEDIA_ROOT): a step with photos that would leave
# less is refused whole with a clear message (API 507; the phone app resends it later).
WANGGE_UPLOAD_RESERVE_MB = env_int("WANGGE_UPLOAD_RESERVE_MB", 512)
# Days after resolution the reporter may rate (and reopen) a case before it closes.
WANGGE_CASE_FOLLOWUP_DAYS = env_int("WANGGE_CASE_FOLLOWUP_DAYS", 15)
# A case whose deadline is this close counts as "due soon" on the work lists.
WANGGE_CASE_DUE_SOON_HOURS = env_int("WANGGE_CASE_DUE_SOON_HOURS", 24)
# Coordinate system of the tiles at WANGGE_MAP_TILE_URL: wgs84, gcj02 or bd09.
WANGGE_MAP_COORD_SYSTEM = env_str("WANGGE_MAP_COORD_SYSTEM", "wgs84")
# Most points a dashboard map draws at once.
WANGGE_MAP_MAX_POINTS = env_int("WANGGE_MAP_MAX_POINTS", 3000)
# Seconds between refreshes of the big-screen dashboard.
WANGGE_SCREEN_REFRESH_SECONDS = env_int("WANGGE_SCREEN_REFRESH_SECONDS", 60)
# Precomputed dashboard figures: months rebuilt nightly, and how old they may be before
# live queries take over (running month in minutes, 0: rollups off; closed months, rebuilt
# nightly, in hours: a day and a bit of slack).
WANGGE_INDICATOR_ROLLUP_MONTHS = env_int("WANGGE_INDICATOR_ROLLUP_MONTHS", 13)
WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES = env_int("WANGGE_INDICATOR_ROLLUP_MAX_AGE_MINUTES", 30)
WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS = env_int(
    "WANGGE_INDICATOR_ROLLUP_PAST_MAX_AGE_HOURS", 26
)
# PostgreSQL work_mem of one reporting query (patrol and visit compliance over a city).
WANGGE_REPORT_WORK_MEM = env_str("WANGGE_REPORT_WORK_MEM", "256MB")
# Visit cadence lengths in days, per cadence (patrols.cadence): {cadence: {"interval",
# "early", "grace"}}; a cadence or key left out keeps its default (weekly 7/2/2, monthly
# 30/7/5, quarterly 90/15/10).
WANGGE_VISIT_CADENCE: dict = {}
# Party organisation rules (wangge.party.rules), counted on full members; keys left out
# keep their defaults: branch_min 3, branch_max 50, committee_from 7, committee_min 3,
# committee_max 7, general_branch_above 50, party_committee_above 100, grid_group_from 3,
# term_years_community 5, term_years_other 3, term_warn_months 3, mobile_contact_months 12,
# org_life_months 6, probation_warn_days 30 (settings module only).
WANGGE_PARTY_RULES: dict = {}
# Days a transfer letter (组织关系介绍信) stays valid: 30 or 90.
WANGGE_PARTY_TRANSFER_DAYS = env_int("WANGGE_PARTY_TRANSFER_DAYS", 30)
# 三会一课 and organisational life required, kind → (count, "quarter" or "year"); a bare
# number means per quarter; keys left out keep the defaults: per quarter assembly 1,
# committee 3, group 3, lecture 1, theme_day 3; per year life 1, appraisal 1; 0 means not
# required; e.g. {"lecture": (2, "year")} where lectures are twice a year (settings module
# only; a bad entry fails loudly).
WANGGE_PARTY_MEETINGS: dict = {}
# Neighbouring households one 党员中心户 links: (fewest, most).
WANGGE_PARTY_CENTRAL_LINKS = (5, 15)
# Service positions and the 15-minute circle (wangge.facilities, docs/domain.md).
# Where the walking network (.npz, also the basemap) lives; empty: MEDIA_ROOT/network.
WANGGE_FACILITY_NETWORK_DIR = env_str("WANGGE_FACILITY_NETWORK_DIR", "")
# Homes and facilities farther than this from the network are listed as off the network.
WANGGE_FACILITY_SNAP_METRES = env_int("WANGGE_FACILITY_SNAP_METRES", 300)
# Walking speed (metres per minute): shows minutes' walk and scales the circles below,
# which hold at 80 m/min (a city of older residents may set 60: 225/375/750 m).
WANGGE_FACILITY_WALK_SPEED = env_int("WANGGE_FACILITY_WALK_SPEED", 80)
# Circle thresholds in metres (GB 50180-2018: 5/10/15 minutes' walk = 300/500/1000 m).
WANGGE_FACILITY_CIRCLE_5_METRES = env_int("WANGGE_FACILITY_CIRCLE_5_METRES", 300)
WANGGE_FACILITY_CIRCLE_10_METRES = env_int("WANGGE_FACILITY_CIRCLE_10_METRES", 500)
WANGGE_FACILITY_CIRCLE_15_METRES = env_int("WANGGE_FACILITY_CIRCLE_15_METRES", 1000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# A refused CSRF check answers with a page in the site's layout that says what to do.
CSRF_FAILURE_VIEW = "wangge.web.errors.csrf_failure"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files (photos, facility pictures); its disk keeps WANGGE_UPLOAD_RESERVE_MB free.
WANGGE_MEDIA_ROOT = env_str("WANGGE_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
MEDIA_ROOT = Path(WANGGE_MEDIA_ROOT)
MEDIA_URL = "/media/"

# Django's cache: role copies and the per-user/per-IP counters (accounts.ratelimit). Set
# WANGGE_CACHE_URL (Redis) wherever several processes serve requests so that they count
# together; production defaults to Redis database 2. In-process memory otherwise.
WANGGE_CACHE_URL = env_str("WANGGE_CACHE_URL", "")
# Milliseconds a connect to Redis (cache and broker) may take before it counts as away.
WANGGE_REDIS_CONNECT_TIMEOUT_MS = env_int("WANGGE_REDIS_CONNECT_TIMEOUT_MS", 500)
# Milliseconds a cache call may wait for Redis's answer.
WANGGE_CACHE_TIMEOUT_MS = env_int("WANGGE_CACHE_TIMEOUT_MS", 1000)
# After a cache call found Redis away, seconds this process uses its own memory before
# trying Redis again (wangge.core.cache: pages and limits keep working without Redis).
WANGGE_CACHE_RETRY_SECONDS = env_int("WANGGE_CACHE_RETRY_SECONDS", 5)


def redis_cache(url: str) -> dict:
    """The cache on Redis at ``url``, falling back to process memory while it is away."""
    return {
        "BACKEND": "wangge.core.cache.FallbackRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "socket_connect_timeout": WANGGE_REDIS_CONNECT_TIMEOUT_MS / 1000,
            "socket_timeout": WANGGE_CACHE_TIMEOUT_MS / 1000,
        },
    }


CACHES = {
    "default": redis_cache(WANGGE_CACHE_URL)
    if WANGGE_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: Redis in production; the embedded default runs tasks eagerly in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1")
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it has finished, and given back to the queue when its worker
# dies (SIGKILL, OOM) mid-run: it runs again, and every task is idempotent (notices by key,
# deliveries by row status, scans by cursor, roll-ups rebuilt), so its effect happens once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds after which Redis hands an unacknowledged task (its worker was killed) to another
# worker; longer than any task runs. Tasks waiting for a retry longer than this may be
# handed out twice: they are idempotent.
WANGGE_CELERY_VISIBILITY_TIMEOUT = env_int("WANGGE_CELERY_VISIBILITY_TIMEOUT", 900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": WANGGE_CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": WANGGE_REDIS_CONNECT_TIMEOUT_MS / 1000,
    "socket_timeout": 5,
    # Look for such tasks every 10 seconds (kombu's default scans every ~100).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away keeps trying to reconnect however long it takes (the
# default gives up after 100 attempts and the worker exits); /healthz reports it meanwhile.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A request that queues work tries the broker once: the work's safety net (wangge.core.
# queueing) runs it when Redis is back. Seconds a process then skips the broker:
WANGGE_QUEUE_RETRY_SECONDS = env_int("WANGGE_QUEUE_RETRY_SECONDS", 30)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
# Periodic work; state such as "overdue" or "visit due" is derived in queries, not written here.
CELERY_BEAT_SCHEDULE = {
    # The audit log's hash chain (wangge.audit.chain): link new rows, seal each day at night.
    "audit-chain-extend": {"task": "audit.chain_extend", "schedule": 300},
    "audit-seal-day": {"task": "audit.seal_day", "schedule": crontab(hour=0, minute=20)},
    "close-cases-after-follow-up": {"task": "cases.close_after_followup", "schedule": 3600},
    "refresh-current-month-indicators": {"task": "indicators.refresh_current", "schedule": 600},
    "refresh-recent-indicators": {
        "task": "indicators.refresh_recent",
        "schedule": crontab(hour=2, minute=30),
    },
    "notices-from-events": {"task": "notifications.scan_events", "schedule": 60},
    # Store the estate of newly reported property cases (wangge.property.CaseEstate).
    "property-link-cases": {"task": "property.link_cases", "schedule": 600},
    "employment-credit-reports": {"task": "employment.credit_reports", "schedule": 600},
    "notices-for-deadlines": {"task": "notifications.scan_deadlines", "schedule": 300},
    "notices-sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 300},
    "facility-coverage-if-stale": {"task": "facilities.recompute_if_stale", "schedule": 300},
    "finance-adverse-records-expire": {
        "task": "finance.adverse_records_expire",
        "schedule": crontab(hour=3, minute=45),
    },
    "purge-idempotency-records": {
        "task": "core.purge_idempotency_records",
        "schedule": crontab(hour=3, minute=15),
    },
}
# How long a POST's first answer is kept for replays of its Idempotency-Key.
WANGGE_IDEMPOTENCY_DAYS = env_int("WANGGE_IDEMPOTENCY_DAYS", 30)
# A worker's copies of categories, routing rules and area nodes (core.refcache): how often
# it asks the shared cache whether they changed, and the longest it keeps one regardless.
WANGGE_REFCACHE_CHECK_SECONDS = env_int("WANGGE_REFCACHE_CHECK_SECONDS", 5)
WANGGE_REFCACHE_SECONDS = env_int("WANGGE_REFCACHE_SECONDS", 600)
# How long a user's role assignments are kept in the shared cache (dropped on a change).
WANGGE_ROLE_CACHE_SECONDS = env_int("WANGGE_ROLE_CACHE_SECONDS", 60)

# Notices (wangge.notifications): the in-app centre is always on; outside channels below.
# Absolute links in emails and texts start with this (e.g. https://wangge.example.gov.cn).
WANGGE_PUBLIC_BASE_URL = env_str("WANGGE_PUBLIC_BASE_URL", "")
# Write every outside message to the console instead of sending it (the demo turns it on).
WANGGE_NOTIFY_CONSOLE = env_bool("WANGGE_NOTIFY_CONSOLE", False)
# Sends per delivery before it is marked failed; waits double from the first one.
WANGGE_NOTIFY_MAX_ATTEMPTS = env_int("WANGGE_NOTIFY_MAX_ATTEMPTS", 5)
WANGGE_NOTIFY_RETRY_SECONDS = env_int("WANGGE_NOTIFY_RETRY_SECONDS", 30)
WANGGE_NOTIFY_RETRY_MAX_SECONDS = env_int("WANGGE_NOTIFY_RETRY_MAX_SECONDS", 3600)
WANGGE_NOTIFY_HTTP_TIMEOUT = env_int("WANGGE_NOTIFY_HTTP_TIMEOUT", 10)  # seconds per webhook call
# Public place searches, nearby-report lists and 我的上报 refreshes per client IP per hour.
WANGGE_PLACE_SEARCHES_PER_HOUR = env_int("WANGGE_PLACE_SEARCHES_PER_HOUR", 600)
# "这也是我的问题" follows per client IP per hour.
WANGGE_CASE_FOLLOWS_PER_HOUR = env_int("WANGGE_CASE_FOLLOWS_PER_HOUR", 30)
# A deadline "approaches" this many minutes before it passes (one notice each way).
WANGGE_NOTIFY_DEADLINE_WARN_MINUTES = env_int("WANGGE_NOTIFY_DEADLINE_WARN_MINUTES", 120)
# SMS gateway: POST JSON {"phone", "text", "sign"}; empty URL means no SMS (unless console).
WANGGE_SMS_GATEWAY_URL = env_str("WANGGE_SMS_GATEWAY_URL", "")
WANGGE_SMS_GATEWAY_TOKEN = env_str("WANGGE_SMS_GATEWAY_TOKEN", "")  # sent as a Bearer token
WANGGE_SMS_SIGN_NAME = env_str("WANGGE_SMS_SIGN_NAME", "网格治理")  # the 【签名】 of each text
# Group robots: 企业微信 webhook URL (…/cgi-bin/webhook/send?key=…) and 钉钉 (…/robot/send?
# access_token=…) with its optional "加签" secret.
WANGGE_WECOM_WEBHOOK_URL = env_str("WANGGE_WECOM_WEBHOOK_URL", "")
WANGGE_DINGTALK_WEBHOOK_URL = env_str("WANGGE_DINGTALK_WEBHOOK_URL", "")
WANGGE_DINGTALK_SECRET = env_str("WANGGE_DINGTALK_SECRET", "")
# Email goes through Django's backend (EMAIL_HOST/EMAIL_PORT…); console in the demo.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wangge@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 20
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())

# Cadre training: the first year of the multi-year credit cycles (county level: 550 hours
# over 5 years from this year), and a full-time class's trainee whose leave exceeds
# 1/N of the class's hours is withdrawn (N = 7 under the national regulations).
WANGGE_TRAINING_CYCLE_START = env_int("WANGGE_TRAINING_CYCLE_START", 2023)
WANGGE_TRAINING_LEAVE_LIMIT_DIVISOR = env_int("WANGGE_TRAINING_LEAVE_LIMIT_DIVISOR", 7)

# Rural finance: a household's adverse credit records (arrears, bad loans) are deleted
# this many years after they ended (nightly task finance.adverse_records_expire).
WANGGE_FINANCE_ADVERSE_YEARS = env_int("WANGGE_FINANCE_ADVERSE_YEARS", 5)
