"""The embedded demo: SQLite, eager Celery, debug on, demo accounts on."""

from .base import *  # noqa: F403

DEBUG = True
WANGGE_DEMO = True
