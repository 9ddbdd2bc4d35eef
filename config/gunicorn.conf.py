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
# The app is loaded (and warmed: wangge.core.warmup) once in the master; every worker,
# and each one replacing a recycled worker, starts with the URLconf imported and the
# templates compiled instead of spending its first requests on it. Deploy by restart.
preload_app = True
# A worker silent for this long is killed and replaced (its request's transaction rolls
# back; the client's retry with the same Idempotency-Key lands once). A killed worker
# (SIGKILL, OOM) is replaced by the master at once.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On restart (HUP/TERM) workers finish their requests for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
# Idle keep-alive connections from the reverse proxy are closed after this many seconds.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Statements of a web request stop 5 seconds before the worker would be killed, so the
# user gets the 503 "busy, try again" answer (wangge.core.dbfaults), not a dropped
# connection; workers and commands keep no statement limit (config/settings/base.py).
os.environ.setdefault("WANGGE_DB_STATEMENT_TIMEOUT_MS", str(max(timeout - 5, 1) * 1000))
# Recycle workers now and then so a slow leak never grows without bound (at the city's
# peak a worker serves about 12 requests a second: this is about an hour).
max_requests = 50000
max_requests_jitter = 5000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
