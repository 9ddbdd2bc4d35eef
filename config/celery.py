import os

from celery import Celery

from wangge.core.broker import guard_redis_channel_close

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("wangge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
guard_redis_channel_close()  # the worker outlives a Redis outage (wangge.core.broker)
