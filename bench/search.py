"""Search benchmark: a fixed French query mix at 100k and 1M offers, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--offers 100000 --offers 1000000]
        [--engine sqlite|postgresql|both] [--rounds 25] [--server-seconds 15]

For each engine and size, a child process (its own ``DATABASE_URL``) builds the territory
``bench-<size>`` with ``manage.py generate_territory`` (1,000 offers per shop; kept between
runs), rebuilds the search index (timed, with its size on disk), then runs the query mix —
accented, typo, prefix, multi-word, shop name, GTIN, facet + radius, grouped — through the
search service twice: *cold* (the per-process text cache of :mod:`cabas.search.cache`
emptied before every query: the full work of a query not seen since the index changed)
and *cached* (the mix repeated, plans and text matches from the cache; the offer stage is
never cached). Then through the HTTP endpoint (Django test client), cold and cached,
autocomplete, cold and cached, and last through gunicorn with the production config
(``cabas/gunicorn.conf.py``: preloaded, ``gc.freeze()``, 2 workers × 2 threads, 3 × 2 on
PostgreSQL), cached
and cold, loaded by ``wrk`` (8 keep-alive connections; Python client threads when wrk is
not installed) for throughput, with the CPU the server and the load generator each used.
CPU times are the measuring thread's (``time.thread_time``); with SQLite they include the
database's work, with PostgreSQL not the server's. The service runs after ``gc.freeze()``
like the gunicorn workers.
Databases: ``var/bench.sqlite3`` and ``cabas_bench`` on the PostgreSQL server of ``--pg-url``
(created when missing); never the development or test databases.

"Open now" is evaluated at a fixed moment (a Wednesday, 10:00 in Paris) so that runs at
any hour compare. Prints the numbers, and a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import http.client
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SQLITE_BENCH = ROOT / "var" / "bench.sqlite3"
PG_BENCH_DB = "cabas_bench"
OFFERS_PER_SHOP = 1000
SEED = 1
# Wednesday 12 March 2025, 10:00 in Paris.
FROZEN_NOW = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)

# (kind, query, extra parameters); a centre is the territory's centre.
QUERY_MIX: list[tuple[str, str, dict[str, Any]]] = [
    ("accented", "pâtes", {}),
    ("accented", "crème fraîche", {}),
    ("accented", "gâteau au chocolat", {}),
    ("accented", "pâté de campagne", {}),
    ("accented", "thé vert", {}),
    ("accented", "café moulu", {}),
    ("accented", "pates completes", {}),
    ("accented", "tomates", {}),
    ("typo", "chocolta", {}),
    ("typo", "confitrue", {}),
    ("typo", "fromgae", {}),
    ("typo", "quiche lorriane", {}),
    ("typo", "jambno blanc", {}),
    ("typo", "saucsison sec", {}),
    ("prefix", "choc", {}),
    ("prefix", "conf", {}),
    ("prefix", "fromag", {}),
    ("prefix", "bisc", {}),
    ("prefix", "yaourt nat", {}),
    ("multi-word", "chocolat noir", {}),
    ("multi-word", "pain de campagne", {}),
    ("multi-word", "yaourt nature bio", {}),
    ("multi-word", "jus d'orange", {}),
    ("multi-word", "huile d'olive vierge", {}),
    ("multi-word", "filet de poulet", {}),
    ("facet+radius", "chocolat", {"category": "chocolaterie-confiserie", "radius_km": 2}),
    ("facet+radius", "fromage", {"radius_km": 1, "open_now": True}),
    ("facet+radius", "vin rouge", {"category": "cave", "radius_km": 3}),
    ("facet+radius", "pain", {"in_stock": True, "sort": "distance"}),
    ("facet+radius", "biscuits", {"sort": "price", "radius_km": 2}),
    ("facet+radius", "", {"category": "fromagerie-cremerie", "radius_km": 1}),
    ("grouped", "chocolat", {"group": "product"}),
    ("grouped", "confiture", {"group": "product", "radius_km": 2}),
]
# The API's per-IP rate limits (cabas/api/ratelimit.py) would answer 429 to a benchmark
# that sends thousands of requests a minute from one address: lifted in the children (the
# counting itself still runs on every request, as in production).
NO_RATE_LIMITS = {
    "API_RATE_LIMIT_ANONYMOUS": "1000000000",
    "API_RATE_LIMIT_ANONYMOUS_WRITES": "1000000000",
    # The storefront page cache (cabas/web/page_cache.py) would answer the mix's 39 URLs
    # from the cache for a few seconds each: off, so that the search itself is measured.
    "STOREFRONT_PAGE_SECONDS": "0",
}
AUTOCOMPLETE_PREFIXES = ["ch", "cho", "choc", "conf", "fro", "bou", "pain d", "yaourt n", "jus d"]


# --- parent: one child per engine and size ---------------------------------------------


def pg_url(base: str, name: str) -> str:
    head, _sep, _tail = base.rpartition("/")
    return f"{head}/{name}"


def ensure_pg_database(base_url: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_BENCH_DB]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return pg_url(base_url, PG_BENCH_DB)


def machine() -> dict[str, str]:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False)  # noqa: S607
    total = next(
        (line.split()[1] for line in memory.stdout.splitlines() if line.startswith("Mem:")), "?"
    )
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": str(os.cpu_count()),
        "cpu": platform.processor() or platform.machine(),
        "memory": total,
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def run_child(engine: str, url: str, offers: int, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **os.environ,
        **NO_RATE_LIMITS,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--offers",
        str(offers),
        "--rounds",
        str(args.rounds),
        "--server-seconds",
        str(args.server_seconds),
    ]
    print(f"\n== {engine}, {offers:,} offres", flush=True)
    # Our own script, fixed arguments.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{engine} {offers}: the benchmark child failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["engine"] = engine
    return result


def ms(value: float) -> str:
    return f"{value:.2f}"


def report(results: list[dict[str, Any]], host: dict[str, str]) -> None:
    print("\n## Résultats")
    print(
        f"{host['date']} · {host['cpus']} cœurs ({host['cpu']}) · {host['memory']} de mémoire"
        f" · Python {host['python']} · charge avant : {host['load']}"
    )
    print(
        "\n*froid* : cache du texte vidé avant chaque requête ; *cache* : le mélange répété, "
        "plans et correspondances servis par le cache du processus. CPU : temps CPU du fil "
        "(avec SQLite, il comprend le travail de la base)."
    )
    print(
        "\n| moteur | offres | index : construction, taille | service froid p50 / p95 / p99 "
        "(CPU p50 / p95) | service cache p50 / p95 / p99 (CPU p50 / p95) | HTTP froid "
        "p50 / p95 / p99 | HTTP cache p50 / p95 / p99 | autocomplete p95 froid / cache | "
        "gunicorn cache | gunicorn froid |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")

    def trio(run: dict[str, float]) -> str:
        return f"{ms(run['p50'])} / {ms(run['p95'])} / {ms(run['p99'])}"

    def server(run: dict[str, Any] | None) -> str:
        if not run:
            return "—"
        return (
            f"{run['rps']:.0f} req/s ({run.get('layout', '?')}), p95 {run['p95']:.0f} ms, "
            "CPU serveur "
            f"{run['server_cpu']:.2f} cœur ({run['server_cpu_ms_per_request']:.1f} ms/req), "
            f"{run['generator']} {run['client_cpu']:.2f} cœur, charge {run['load']:.1f}"
        )

    for r in results:
        cold, warm, web, auto = r["cold"], r["warm"], r["http"], r["autocomplete"]
        servers = r["servers"]
        print(
            f"| {r['engine']} | {r['offers']:,} | {r['build_s']:.1f} s, {r['index_mb']:.1f} Mo "
            f"(+ {r['offer_index_mb']:.0f} Mo) | {trio(cold['wall'])} ({ms(cold['cpu']['p50'])} "
            f"/ {ms(cold['cpu']['p95'])}) | {trio(warm['wall'])} ({ms(warm['cpu']['p50'])} / "
            f"{ms(warm['cpu']['p95'])}) | {trio(web['froid'])} | {trio(web['cache'])} | "
            f"{ms(auto['froid']['p95'])} / {ms(auto['cache']['p95'])} | "
            f"{server(servers.get('cache'))} | {server(servers.get('froid'))} |"
        )
    print("\np95 du service par type de requête, froid / cache (ms) :")
    kinds = sorted({kind for r in results for kind in r["cold"]["by_kind"]})
    print("| moteur | offres | " + " | ".join(kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    for r in results:
        print(
            f"| {r['engine']} | {r['offers']:,} | "
            + " | ".join(
                f"{ms(r['cold']['by_kind'][k])} / {ms(r['warm']['by_kind'][k])}" for k in kinds
            )
            + " |"
        )


def parent(args: argparse.Namespace) -> None:
    host = machine()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        url = f"sqlite:///{SQLITE_BENCH}" if engine == "sqlite" else ensure_pg_database(args.pg_url)
        for offers in args.offers or [100_000, 1_000_000]:
            results.append(run_child(engine, url, offers, args))
    report(results, host)


# --- child: one engine, one size ----------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": sum(ordered) / len(ordered) * 1000,
        "n": len(ordered),
    }


def freeze_time() -> None:
    from django.utils import timezone

    timezone.now = lambda: FROZEN_NOW  # type: ignore[assignment]


def frozen_app(cached: bool = True) -> Any:
    """WSGI application factory for gunicorn (``bench.search:frozen_app()``), with "now"
    frozen like the in-process runs; ``cached=False`` turns the search text cache off in
    the workers (cold numbers). With ``preload_app`` it runs in the master, before the
    fork and ``gc.freeze()`` of the production config."""
    from cabas.wsgi import application

    freeze_time()
    if not cached:
        from cabas.search.cache import text_cache

        text_cache.max_entries = 0
    return application


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table_sizes() -> tuple[float, float]:
    """(search tables and full-text index, covering offer index), in MB, for the whole
    bench database (both territories)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat "
                "WHERE name LIKE 'search_%%' AND name != 'search_offer_window'"
            )
            search = cursor.fetchone()[0]
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = %s",
                ["search_offer_window"],
            )
            offers = cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relkind = 'r' AND c.relname LIKE 'search_%%'"
            )
            search = cursor.fetchone()[0]
            cursor.execute("SELECT pg_relation_size('search_offer_window')")
            offers = cursor.fetchone()[0]
    return float(search) / 1_048_576, float(offers) / 1_048_576


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cabas.catalog.models import Offer, Product
    from cabas.geo.distance import Point
    from cabas.search.cache import text_cache
    from cabas.search.selectors import SearchFilters, autocomplete, search_offers
    from cabas.search.services import search_index_rebuild
    from cabas.territories.models import Territory

    offers_wanted = args.offers[0]
    label = (
        f"{offers_wanted // 1000}k"
        if offers_wanted < 1_000_000
        else f"{offers_wanted // 1_000_000}m"
    )
    slug = f"bench-{label}"
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "generate_territory",
        slug=slug,
        shops=max(1, offers_wanted // OFFERS_PER_SHOP),
        offers_per_shop=OFFERS_PER_SHOP,
        seed=SEED,
        verbosity=0,
    )
    log(f"territoire {slug} prêt en {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would after the bulk load: visibility maps for index-only
            # scans, and statistics for every table (shops too, read on every search).
            cursor.execute("VACUUM ANALYZE catalog_offer")
            cursor.execute("VACUUM ANALYZE shops_shop")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    territory = Territory.objects.get(slug=slug)
    offers = Offer.objects.filter(territory=territory).count()
    products = Product.objects.filter(territory=territory).count()

    started = time.perf_counter()
    search_index_rebuild(territory=territory)
    build_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # The rebuild replaced every row: measure the live index, not its dead tuples.
        with connection.cursor() as cursor:
            for table in (
                "search_searchdocument",
                "search_searchterm",
                "search_searchtermkey",
                "search_searchstemrank",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    index_mb, offer_index_mb = table_sizes()
    log(f"index reconstruit en {build_s:.1f} s ({index_mb:.1f} Mo)")

    freeze_time()
    rng = random.Random(SEED)
    centre = Point(territory.centre_lat, territory.centre_lon)
    mix = list(QUERY_MIX)
    for name in rng.sample(list(territory.shops.values_list("name", flat=True)), 2):
        mix.append(("shop name", name.lower(), {}))
    for gtin in rng.sample(
        list(Product.objects.filter(territory=territory).values_list("gtin", flat=True)[:5000]),
        2,
    ):
        mix.append(("gtin", gtin, {}))

    def service_call(query: str, extra: dict[str, Any]) -> None:
        radius = extra.get("radius_km")
        needs_centre = radius is not None or extra.get("sort") == "distance"
        search_offers(
            territory=territory,
            query=query,
            filters=SearchFilters(
                category=extra.get("category"),
                in_stock=extra.get("in_stock", False),
                open_now=extra.get("open_now", False),
                centre=centre if needs_centre else None,
                radius_km=radius,
            ),
            sort=extra.get("sort", "relevance"),
            group_by_product=extra.get("group") == "product",
        )

    def http_params(query: str, extra: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {"q": query, **extra}
        if "radius_km" in extra or extra.get("sort") == "distance":
            params.update(lat=centre.lat, lon=centre.lon)
        return {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}

    for _kind, query, extra in mix:  # warm caches, the snapshot and the connection
        service_call(query, extra)
    # As the production gunicorn config does after start-up (cabas/gunicorn.conf.py).
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, *gc.get_threshold()[1:])
    order = [item for _round in range(args.rounds) for item in mix]
    rng.shuffle(order)

    def service_run(cold: bool) -> dict[str, Any]:
        """Every query of ``order`` through the service; ``cold`` empties the text cache
        before each one (the full work of a query never seen since the index changed)."""
        samples: list[float] = []
        cpu_samples: list[float] = []
        by_kind: dict[str, list[float]] = {}
        for kind, query, extra in order:
            if cold:
                text_cache.clear()
            began, began_cpu = time.perf_counter(), time.thread_time()
            service_call(query, extra)
            elapsed = time.perf_counter() - began
            cpu_samples.append(time.thread_time() - began_cpu)
            samples.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
        run = {
            "wall": percentiles(samples),
            "cpu": percentiles(cpu_samples),
            "by_kind": {kind: percentiles(values)["p95"] for kind, values in by_kind.items()},
            "load": os.getloadavg()[0],
        }
        name = "froid" if cold else "cache"
        wall, cpu = run["wall"], run["cpu"]
        log(
            f"service ({name}) : p50 {wall['p50']:.2f} p95 {wall['p95']:.2f} "
            f"p99 {wall['p99']:.2f} ms ; CPU p50 {cpu['p50']:.2f} p95 {cpu['p95']:.2f} ms"
        )
        return run

    cold_run = service_run(cold=True)
    warm_run = service_run(cold=False)

    client = Client()
    path = f"/api/v1/territories/{slug}/search"

    def http_run(cold: bool) -> dict[str, float]:
        samples: list[float] = []
        cpu_samples: list[float] = []
        for _kind, query, extra in order:
            if cold:
                text_cache.clear()
            began, began_cpu = time.perf_counter(), time.thread_time()
            response = client.get(path, http_params(query, extra))
            samples.append(time.perf_counter() - began)
            cpu_samples.append(time.thread_time() - began_cpu)
            if response.status_code != 200:
                raise SystemExit(
                    f"HTTP {response.status_code} for {query!r}: {response.content[:200]!r}"
                )
        run = percentiles(samples)
        run["cpu_p50"], run["cpu_p95"] = (percentiles(cpu_samples)[k] for k in ("p50", "p95"))
        log(
            f"HTTP ({'froid' if cold else 'cache'}) : p50 {run['p50']:.2f} p95 {run['p95']:.2f} "
            f"p99 {run['p99']:.2f} ms ; CPU p50 {run['cpu_p50']:.2f} p95 {run['cpu_p95']:.2f} ms"
        )
        return run

    web = {"froid": http_run(cold=True), "cache": http_run(cold=False)}

    def autocomplete_run(cold: bool) -> dict[str, float]:
        samples: list[float] = []
        for _round in range(args.rounds * 4):
            for prefix in AUTOCOMPLETE_PREFIXES:
                if cold:
                    text_cache.clear()
                began = time.perf_counter()
                autocomplete(territory=territory, prefix=prefix)
                samples.append(time.perf_counter() - began)
        run = percentiles(samples)
        log(
            f"autocomplete ({'froid' if cold else 'cache'}) : p50 {run['p50']:.2f} "
            f"p95 {run['p95']:.2f} ms"
        )
        return run

    auto = {"froid": autocomplete_run(cold=True), "cache": autocomplete_run(cold=False)}

    servers: dict[str, Any] = {}
    if args.server_seconds > 0:
        connection.close()
        paths = [f"{path}?{urlencode(http_params(q, extra))}" for _kind, q, extra in mix]
        for name, cached in (("cache", True), ("froid", False)):
            server = gunicorn_throughput(paths, args.server_seconds, cached=cached)
            server["load"] = os.getloadavg()[0]
            servers[name] = server
            log(
                f"gunicorn ({name}, {server['layout']}, {server['generator']}) : "
                f"{server['rps']:.0f} req/s, "
                f"p50 {server['p50']:.1f} p95 {server['p95']:.1f} ms ; CPU serveur "
                f"{server['server_cpu']:.2f} cœur ({server['server_cpu_ms_per_request']:.2f} "
                f"ms/req), client {server['client_cpu']:.2f} cœur"
            )

    print(
        json.dumps(
            {
                "offers": offers,
                "products": products,
                "build_s": build_s,
                "index_mb": index_mb,
                "offer_index_mb": offer_index_mb,
                "cold": cold_run,
                "warm": warm_run,
                "http": web,
                "autocomplete": auto,
                "servers": servers,
            }
        )
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WRK_SCRIPT = """
local paths = {%s}
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK {\\"requests\\": %%d, \\"non2xx\\": %%d, \\"errors\\": %%d, \\"seconds\\": %%f, "
    .. "\\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f}\\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


def _process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its live children (the gunicorn
    master and its workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(child) for child in children)
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wrk(port: int, paths: list[str], seconds: float, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), SEED))
    try:
        done = subprocess.run(  # noqa: S603 (wrk on the loopback, fixed arguments)
            [
                str(shutil.which("wrk")),
                "-t1",
                f"-c{connections}",
                f"-d{seconds:.0f}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK "))
    stats = json.loads(line[4:])
    if stats["non2xx"] or stats["errors"]:
        raise SystemExit(f"gunicorn answered errors: {stats}")
    return {
        "requests": stats["requests"],
        "seconds": stats["seconds"],
        "p50": stats["p50"],
        "p95": stats["p95"],
        "p99": stats["p99"],
    }


def _python_clients(port: int, paths: list[str], seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def loop(seed_value: int, until: float) -> None:
        rng = random.Random(seed_value)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < until:
            began = time.perf_counter()
            conn.request("GET", rng.choice(paths))
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors[0] += 1
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    until = time.monotonic() + seconds
    threads = [threading.Thread(target=loop, args=(i, until)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors[0]:
        raise SystemExit(f"gunicorn answered {errors[0]} errors")
    stats = percentiles(latencies)
    return {"requests": len(latencies), "seconds": seconds, **stats}


def gunicorn_layout() -> str:
    """Workers × threads that the production config gives in this environment."""
    import runpy

    config = runpy.run_path(str(ROOT / "cabas" / "gunicorn.conf.py"))
    return f"{config['workers']} × {config['threads']}"


def gunicorn_throughput(
    paths: list[str], seconds: float, *, cached: bool, connections: int = 8
) -> dict[str, Any]:
    """Requests/s through gunicorn with the production config (``cabas/gunicorn.conf.py``),
    driven by ``wrk`` when installed (else by Python client threads in this process), with
    the CPU the server and the load generator each used."""
    port = free_port()
    app = "bench.search:frozen_app()" if cached else "bench.search:frozen_app(cached=False)"
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "cabas" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0"},
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", paths[0])
                probe.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer") from None
                time.sleep(0.2)
        use_wrk = shutil.which("wrk") is not None
        results = []
        for duration in (3.0, seconds):  # warm-up, then the measure
            server_before = _process_tree_cpu(server.pid)
            client_before = _children_cpu() if use_wrk else time.process_time()
            if use_wrk:
                result = _wrk(port, paths, duration, connections)
            else:
                result = _python_clients(port, paths, duration, connections // 2)
            client_after = _children_cpu() if use_wrk else time.process_time()
            result["server_cpu_s"] = _process_tree_cpu(server.pid) - server_before
            result["client_cpu_s"] = client_after - client_before
            results.append(result)
        measured = results[-1]
        return {
            "rps": measured["requests"] / measured["seconds"],
            "p50": measured["p50"],
            "p95": measured["p95"],
            "p99": measured["p99"],
            "server_cpu": measured["server_cpu_s"] / measured["seconds"],
            "client_cpu": measured["client_cpu_s"] / measured["seconds"],
            "server_cpu_ms_per_request": 1000 * measured["server_cpu_s"] / measured["requests"],
            "generator": "wrk" if use_wrk else "python",
            "connections": connections,
            "layout": gunicorn_layout(),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--offers", type=int, action="append", help="100000, 1000000 (default both)"
    )
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=25, help="passes over the query mix")
    parser.add_argument("--server-seconds", type=float, default=15, help="0 skips gunicorn")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
