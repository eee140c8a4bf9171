"""Production gunicorn settings: ``gunicorn -c cabas/gunicorn.conf.py cabas.wsgi:application``.

Sized for a small host (2 cores by default).

With SQLite, single-threaded *sync* workers, one per core plus one: all the work (the
database's too) runs inside the worker, and a sync worker takes a connection only when it
is idle (it blocks in ``accept`` on the shared socket), so requests spread over the
processes by themselves. Threaded workers (``gthread``) keep connections alive and pin
each one to the process that accepted it: measured with 8 keep-alive connections on
2 workers x 2 threads, one run in five gave all of them to one worker, which then used
about one core (the GIL) while the other idled — the 1.30 of 2 cores and 199 search
requests/s of a benchmark run. A sync worker answers ``Connection: close``; nginx opens
a new loopback connection per request, which measured no dearer in server CPU per search.

With PostgreSQL a worker spends part of each request waiting for the database server,
which threads overlap: one threaded process per core plus one, two threads each
(2 workers x 4 threads: 180 search requests/s, like 2 x 2, where 3 x 2 gave 241 on
2 cores, PostgreSQL on the same host). Sync workers (5 x 1) measured 0.5 to 1 ms more
server CPU per search there, on a loaded machine.

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

# Keep each worker's SQLite connection between requests (read by cabas/settings.py when
# the application loads, after this file): opening one costs the PRAGMAs and a parse of
# the whole schema, more than a search. Workers and their threads are a fixed set, so no
# connection leaks.
os.environ.setdefault("SQLITE_CONN_MAX_AGE", "600")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
_CORES = os.cpu_count() or 2
_ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
workers = int(os.environ.get("GUNICORN_WORKERS", str(_CORES + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2" if _ON_POSTGRES else "1"))
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5  # gthread workers only: a sync worker closes each connection
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
