"""Search benchmark: a fixed French query mix at 100k and 1M offers, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--offers 100000 --offers 1000000]
        [--engine sqlite|postgresql|both] [--rounds 25] [--server-seconds 15]

For each engine and size, a child process (its own ``DATABASE_URL``) builds the territory
``bench-<size>`` with ``manage.py generate_territory`` (1,000 offers per shop; kept between
runs), rebuilds the search index (timed, with its size on disk), then runs the query mix —
accented, typo, prefix, multi-word, shop name, GTIN, facet + radius, grouped — through the
search service and through the HTTP endpoint (Django test client), autocomplete, and last
through gunicorn (2 workers, 4 keep-alive clients on the loopback) for throughput.
Databases: ``var/bench.sqlite3`` and ``cabas_bench`` on the PostgreSQL server of ``--pg-url``
(created when missing); never the development or test databases.

"Open now" is evaluated at a fixed moment (a Wednesday, 10:00 in Paris) so that runs at
any hour compare. Prints the numbers, and a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
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
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "ERROR"}
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
        "\n| moteur | offres | produits | index : construction | index : taille | "
        "service p50 / p95 / p99 (ms) | service, CPU du processus p50 / p95 (ms) | "
        "HTTP p50 / p95 / p99 (ms) | autocomplete p95 (ms) | gunicorn (req/s, p95 ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        service, web, auto, server = r["service"], r["http"], r["autocomplete"], r["server"]
        print(
            f"| {r['engine']} | {r['offers']:,} | {r['products']:,} | {r['build_s']:.1f} s | "
            f"{r['index_mb']:.1f} Mo (+ {r['offer_index_mb']:.0f} Mo d'index des offres) | "
            f"{ms(service['p50'])} / {ms(service['p95'])} / {ms(service['p99'])} | "
            f"{ms(r['service_cpu']['p50'])} / {ms(r['service_cpu']['p95'])} | "
            f"{ms(web['p50'])} / {ms(web['p95'])} / {ms(web['p99'])} | {ms(auto['p95'])} | "
            + (f"{server['rps']:.0f}, {server['p95']:.0f} |" if server else "— |")
        )
    print("\np95 du service par type de requête (ms) :")
    kinds = sorted({kind for r in results for kind in r["by_kind"]})
    print("| moteur | offres | " + " | ".join(kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    for r in results:
        print(
            f"| {r['engine']} | {r['offers']:,} | "
            + " | ".join(ms(r["by_kind"][k]) for k in kinds)
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


def frozen_application(environ: dict, start_response: Any) -> Any:
    """WSGI entry point for gunicorn with "now" frozen like the in-process runs."""
    global _application
    if _application is None:
        from cabas.wsgi import application

        freeze_time()
        _application = application
    return _application(environ, start_response)


_application: Any = None


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
            cursor.execute("VACUUM ANALYZE catalog_offer")
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
            for table in ("search_searchdocument", "search_searchterm", "search_searchtermkey"):
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
    samples: list[float] = []
    cpu_samples: list[float] = []
    by_kind: dict[str, list[float]] = {}
    order = [item for _round in range(args.rounds) for item in mix]
    rng.shuffle(order)
    for kind, query, extra in order:
        began, began_cpu = time.perf_counter(), time.process_time()
        service_call(query, extra)
        elapsed = time.perf_counter() - began
        cpu_samples.append(time.process_time() - began_cpu)
        samples.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
    service = percentiles(samples)
    service_cpu = percentiles(cpu_samples)
    log(f"service : p50 {service['p50']:.2f} p95 {service['p95']:.2f} p99 {service['p99']:.2f} ms")
    log(f"service, CPU : p50 {service_cpu['p50']:.2f} p95 {service_cpu['p95']:.2f} ms")

    client = Client()
    path = f"/api/v1/territories/{slug}/search"
    http_samples: list[float] = []
    for _kind, query, extra in order:
        began = time.perf_counter()
        response = client.get(path, http_params(query, extra))
        http_samples.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(
                f"HTTP {response.status_code} for {query!r}: {response.content[:200]!r}"
            )
    web = percentiles(http_samples)
    log(f"HTTP : p50 {web['p50']:.2f} p95 {web['p95']:.2f} p99 {web['p99']:.2f} ms")

    auto_samples: list[float] = []
    for _round in range(args.rounds * 4):
        for prefix in AUTOCOMPLETE_PREFIXES:
            began = time.perf_counter()
            autocomplete(territory=territory, prefix=prefix)
            auto_samples.append(time.perf_counter() - began)
    auto = percentiles(auto_samples)
    log(f"autocomplete : p50 {auto['p50']:.2f} p95 {auto['p95']:.2f} ms")

    server = None
    if args.server_seconds > 0:
        connection.close()
        server = gunicorn_throughput(
            [f"{path}?{urlencode(http_params(q, extra))}" for _kind, q, extra in mix],
            args.server_seconds,
        )
        log(f"gunicorn : {server['rps']:.0f} req/s, p95 {server['p95']:.1f} ms")

    print(
        json.dumps(
            {
                "offers": offers,
                "products": products,
                "build_s": build_s,
                "index_mb": index_mb,
                "offer_index_mb": offer_index_mb,
                "service": service,
                "service_cpu": service_cpu,
                "http": web,
                "autocomplete": auto,
                "server": server,
                "by_kind": {kind: percentiles(values)["p95"] for kind, values in by_kind.items()},
            }
        )
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_throughput(paths: list[str], seconds: float, clients: int = 4) -> dict[str, float]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bench.search:frozen_application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0"},
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
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
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()

        def loop(seed_value: int, until: float, keep: bool) -> None:
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
            if keep:
                with lock:
                    latencies.extend(mine)

        for keep, duration in ((False, 3.0), (True, seconds)):
            until = time.monotonic() + duration
            threads = [threading.Thread(target=loop, args=(i, until, keep)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if errors[0]:
            raise SystemExit(f"gunicorn answered {errors[0]} errors")
        stats = percentiles(latencies)
        return {"rps": len(latencies) / seconds, "p50": stats["p50"], "p95": stats["p95"]}
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
