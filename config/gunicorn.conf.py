"""The production web server: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Runs behind the intranet's reverse proxy (which terminates TLS and keeps the access
log); every value can be overridden on the command line or through the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's own rule, (2 × cores) + 1 sync workers: a worker waiting on PostgreSQL
# (a report's write and commit) leaves its core to another, so one per core idles.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
