"""CPU time and queries per request for each page and endpoint of the load test's mix.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cabas_bench_load \\
        .venv/bin/python bench/pages.py [--rounds 30] [--profile KIND]

Runs in-process through Django's test client (the whole middleware stack, templates and
gzip) against a database holding the demo data (``manage.py load_demo``; ``bench/load.py``
creates ``cabas_bench_load`` on PostgreSQL). For each kind of request of ``bench/load.py``
it sends ``--rounds`` requests drawn like the load test draws them and prints the CPU
time of the serving thread (``time.thread_time``: with SQLite it includes the database's
own work, with PostgreSQL not the server's), the number of SQL queries and the size of
the answer. CPU time is what decides the capacity of 2 cores, and unlike wall-clock time
it barely moves when other programs load the machine. The first request of each kind is
sent once before the measure (warm caches), as a running server would have them.
``--profile KIND`` prints the top of a cProfile of that kind instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SQLITE_CONN_MAX_AGE", "600")
# The rendering is measured: the page cache (cabas/web/page_cache.py) is off unless asked.
os.environ.setdefault("STOREFRONT_PAGE_SECONDS", "0")
# Every request comes from one address: lift the API's per-client limits (they still run).
for _limit in ("ANONYMOUS", "ANONYMOUS_WRITES", "TOKEN", "TOKEN_WRITES"):
    os.environ.setdefault(f"API_RATE_LIMIT_{_limit}", "100000000")

KINDS = (
    "home",
    "shop_list",
    "shop",
    "product",
    "search_api",
    "search_page",
    "cart",
    "checkout",
    "markers",
)


def requests_for(
    kind: str, rng: random.Random, cat: dict, load
) -> tuple[str, str, str | None, dict]:
    """One request of ``kind``, drawn as ``bench/load.py`` draws them."""
    slug = cat["slug"]
    if kind == "home":
        return "GET", cat["home"], None, {}
    if kind == "shop_list":
        return (
            "GET",
            f"{cat['shop_list']}?category={rng.choice(cat['categories'])}&open=on",
            None,
            {},
        )
    if kind == "shop":
        return "GET", rng.choice(cat["shops"]), None, {}
    if kind == "product":
        return "GET", rng.choice(cat["products"]), None, {}
    if kind == "markers":
        return "GET", cat["markers"], None, {}
    q = rng.choice(load.SEARCHES)
    if kind == "search_api":
        return "GET", f"/api/v1/territories/{slug}/search?q={q}&limit=20", None, {}
    if kind == "search_page":
        return "GET", f"/{slug}/recherche/?q={q}", None, {}
    if kind == "cart":
        body = json.dumps({"lines": [{"offer_id": rng.choice(cat["offers"]), "quantity": 1}]})
        return "POST", "/api/v1/cart", body, {}
    lines = {rng.choice(cat["offers"]) for _ in range(rng.choice((1, 2)))}
    body = json.dumps(
        {
            "email": "charge@example.org",
            "phone": "0612345678",
            "lines": [{"offer_id": offer, "quantity": 1} for offer in lines],
        }
    )
    return "POST", "/api/v1/checkout", body, {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS))
    parser.add_argument("--profile", default="")
    args = parser.parse_args()

    import django

    django.setup()
    import load
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cat = load.catalogue(os.environ.get("DATABASE_URL", ""))
    kinds = [kind for kind in args.kinds if kind != "markers" or "markers" in cat]
    # As the production server does (cabas/gunicorn.conf.py): start-up objects frozen out
    # of the collector's reach, young collections every 7,000 allocations.
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, *gc.get_threshold()[1:])
    rng = random.Random(1)
    browser = Client(HTTP_ACCEPT_ENCODING="gzip")
    print(
        f"{connection.vendor}, {len(cat['shops'])} shop pages, {len(cat['products'])} product pages"
    )
    columns = ("CPU p50", "p95", "mean", "queries", "bytes")
    print(f"{'kind':12s} {'n':>4s} " + " ".join(f"{c:>8s}" for c in columns))
    for kind in kinds:
        sample = [requests_for(kind, rng, cat, load) for _ in range(args.rounds + 1)]

        def send(method, path, body, headers):
            if method == "GET":
                return browser.get(path, **headers)
            return browser.post(path, body, content_type="application/json", **headers)

        send(*sample[0])  # warm
        if args.profile == kind:
            profiler = cProfile.Profile(time.thread_time)  # CPU, not waits on the database
            profiler.enable()
            for one in sample[1:]:
                send(*one)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            continue
        cpu, queries, sizes, statuses = [], [], [], []
        for one in sample[1:]:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.thread_time()
                response = send(*one)
                cpu.append((time.thread_time() - start) * 1000)
            queries.append(len(captured))
            sizes.append(len(response.content))
            statuses.append(response.status_code)
        cpu.sort()
        p95 = cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))]
        bad = [s for s in statuses if s >= 400 and s != 409]
        print(
            f"{kind:12s} {len(cpu):4d} {statistics.median(cpu):8.1f} {p95:7.1f} "
            f"{statistics.fmean(cpu):7.1f} {statistics.median(queries):8.0f} "
            f"{int(statistics.median(sizes)):8d}" + (f"  errors {bad[:3]}" if bad else "")
        )


if __name__ == "__main__":
    main()
