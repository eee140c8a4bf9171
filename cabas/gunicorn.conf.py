"""Production gunicorn settings: ``gunicorn -c cabas/gunicorn.conf.py cabas.wsgi:application``.

Sized for a small host (2 cores by default): one worker process per core (one more on
PostgreSQL), each with a few threads so that keep-alive connections and requests waiting
on the database do not hold a whole process. Search and most pages are CPU-bound Python, so
with SQLite more processes than cores only add context switches; threads are the cheap way to
overlap database waits.

The application is loaded once in the master (``preload_app``) with its URL
configuration and views imported, then every object alive at that point is moved out of
the garbage collector's reach (``gc.freeze``): the workers inherit those pages
copy-on-write and no collection walks Django's import-time objects again (measured: a
full collection over them cost about 0.8 ms on a broad search). Database connections
are opened by the workers only, never by the master.

Every knob can be overridden from the environment: ``GUNICORN_BIND``,
``GUNICORN_WORKERS``, ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``, ``GUNICORN_LOG_LEVEL``.
"""

from __future__ import annotations

import gc
import os
from typing import Any

# Keep each thread's SQLite connection between requests (read by cabas/settings.py when
# the application loads, after this file): opening one costs the PRAGMAs and a parse of
# the whole schema, more than a search. The thread pool is fixed, so no connection leaks.
os.environ.setdefault("SQLITE_CONN_MAX_AGE", "600")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# With PostgreSQL a worker spends part of each request waiting for the database server,
# and its threads did not fill that wait (2 workers x 4 threads:
# 180 search requests/s, like 2 x 2) where a third process did (3 x 2: 241 requests/s on
# 2 cores, PostgreSQL on the same host). SQLite work runs inside the worker: one per core.
_CORES = os.cpu_count() or 2
_ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
workers = int(os.environ.get("GUNICORN_WORKERS", str(_CORES + 1 if _ON_POSTGRES else _CORES)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
preload_app = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
accesslog = None
errorlog = "-"

# Young collections run every GC_THRESHOLD_0 allocations instead of every 700: a search
# allocates a few thousand short-lived tuples, which the default turned into several
# collections per request. Older generations keep their defaults.
GC_THRESHOLD_0 = 7000


def _warm_up() -> None:
    """Do in the master what each worker's first requests would do, without touching the
    database: import every URL module and view, build the URL resolver's reverse maps and
    load the translation catalogues of each language (half a second per worker else)."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every URL module and its views)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018 (built once per language)


def when_ready(server: Any) -> None:
    """In the master, after the application was preloaded and before the first fork."""
    _warm_up()
    gc.collect()
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    gc.set_threshold(GC_THRESHOLD_0, *gc.get_threshold()[1:])
