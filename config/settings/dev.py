"""The embedded demo: SQLite, eager Celery, debug on, demo accounts on."""

from config.env import env_bool, env_list

from .base import *  # noqa: F403

DEBUG = True
WANGGE_DEMO = True
# The demo signs in with passwords only unless WANGGE_OTP_REQUIRED_ROLES is set (README).
WANGGE_OTP_REQUIRED_ROLES = env_list("WANGGE_OTP_REQUIRED_ROLES", ["none"])
# The demo's notices: texts, robot posts and emails are written to the console and the outbox.
WANGGE_NOTIFY_CONSOLE = env_bool("WANGGE_NOTIFY_CONSOLE", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
