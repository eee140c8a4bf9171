"""Load test: a browse, search, cart and checkout mix at constant arrival rates, on PostgreSQL.

    .venv/bin/python bench/load.py [--url postgres://postgres@127.0.0.1:5432/postgres]
        [--rates 50 100 200] [--seconds 30] [--clients 64] [--workers N]
        [--redis redis://127.0.0.1:6379/15]

Creates the throw-away database ``cabas_bench_load`` on the server of ``--url`` (demo data:
the 2,440 Paris shops and their 50,910 offers, loaded once and kept between runs), starts
gunicorn with the production configuration (``cabas/gunicorn.conf.py``: one process per
core, two threads each) on the loopback, and for each rate sends requests at that
constant arrival rate for ``--seconds`` (after a short warm-up) from a pool of keep-alive
clients. The mix, by share of requests:

- 45 % browse: territory home, its map markers (``carte.json``, as a first visit fetches
  it), shop list (a category, open now), a shop page, a product page;
- 35 % search: the search API and the search page, from a list of French queries;
- 12 % cart: add an offer to an anonymous API cart;
- 8 % checkout: ``POST /api/v1/checkout`` of 1–2 lines with a new ``Idempotency-Key``.

Latency is counted from the moment a request was due, not sent: when every client is busy
the wait is charged (no coordinated omission). An error is any answer but 2xx (a 409
``out_of_stock`` or ``slot_full`` from a checkout counts apart, as a business answer: the
hot offer sold out, the pickup slot filled), or a failed
connection. Prints per rate and per kind: requests/s achieved, p50/p95/p99, errors, and the
CPU seconds used by gunicorn, by PostgreSQL and by this client.

The server runs as in production (``deploy/``): ``--redis`` (default ``$REDIS_URL``) gives
it the Redis cache shared by its workers; ``--workers`` sets ``GUNICORN_WORKERS``;
``--page-seconds`` sets ``STOREFRONT_PAGE_SECONDS`` (10, production's default: pages and
search answers shared between visitors without a session, ``cabas/web/page_cache.py``; 0
renders every one). The clients keep no cookies: every browse and search request is a
visitor without a session, the case the page cache serves; a visitor with a cart gets
rendered pages, whose cost per kind ``bench/pages.py`` measures. Every
request comes from one address, so the API's per-client rate limits are lifted for the run
(they are still evaluated on each request).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cabas_bench_load"
SEARCHES = [
    "pain", "baguette", "fromage", "comté", "pâtes", "chocolat", "chocolta", "café",
    "confiture fraise", "huile d'olive", "vin rouge", "bière", "livre", "fleurs", "thé vert",
    "yaourt nature", "crème fraîche", "tomates", "jambon", "miel",
]  # fmt: skip
MIX = [("browse", 45), ("search", 35), ("cart", 12), ("checkout", 8)]
# Checkout refusals that are the shop's true state, not failures of the server.
BUSINESS_ANSWERS = {"out_of_stock", "slot_full"}
RATE_LIMITS = ("ANONYMOUS", "ANONYMOUS_WRITES", "TOKEN", "TOKEN_WRITES")


def database_url(base: str, name: str) -> str:
    head, _sep, _tail = base.rpartition("/")
    return f"{head}/{name}"


def ensure_database(base_url: str) -> bool:
    """Create the bench database when missing; True when it was created."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return not exists


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def catalogue(url: str) -> dict:
    """Paths and offers of the demo territory, read once before the run."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse

    from cabas.catalog.models import Category, Offer
    from cabas.shops.models import Shop

    slug = "paris"
    shops = list(
        Shop.objects.filter(territory__slug=slug, status="approved")
        .order_by("pk")
        .values_list("slug", flat=True)[:400]
    )
    offers = list(
        Offer.objects.filter(
            territory__slug=slug, is_active=True, stock__gte=5, shop__offers_click_collect=True
        )
        .order_by("pk")
        .values_list("pk", "product_id")[:2000]
    )
    categories = list(
        Category.objects.filter(parent__isnull=True).values_list("slug", flat=True)[:10]
    )
    return {
        "slug": slug,
        "home": reverse("web:territory_home", kwargs={"territory": slug}),
        "markers": reverse("web:territory_markers", kwargs={"territory": slug}),
        "shop_list": reverse("web:shop_list", kwargs={"territory": slug}),
        "shops": [reverse("web:shop_detail", kwargs={"territory": slug, "shop": s}) for s in shops],
        "products": [
            reverse("web:product_detail", kwargs={"territory": slug, "product_id": p})
            for _o, p in offers
        ],
        "offers": [o for o, _p in offers],
        "categories": categories,
    }


def request_for(kind: str, rng: random.Random, cat: dict) -> tuple[str, str, str | None, dict]:
    if kind == "browse":
        choice = rng.random()
        if choice < 0.15:
            return "GET", cat["home"], None, {}
        if choice < 0.2:
            return "GET", cat["markers"], None, {"Accept-Encoding": "gzip"}
        if choice < 0.4:
            query = urlencode({"category": rng.choice(cat["categories"]), "open": "on"})
            return "GET", f"{cat['shop_list']}?{query}", None, {}
        if choice < 0.65:
            return "GET", rng.choice(cat["shops"]), None, {}
        return "GET", rng.choice(cat["products"]), None, {}
    if kind == "search":
        q = quote(rng.choice(SEARCHES))
        if rng.random() < 0.6:
            return "GET", f"/api/v1/territories/{cat['slug']}/search?q={q}&limit=20", None, {}
        return "GET", f"/{cat['slug']}/recherche/?q={q}", None, {}
    if kind == "cart":
        body = json.dumps({"lines": [{"offer_id": rng.choice(cat["offers"]), "quantity": 1}]})
        return "POST", "/api/v1/cart", body, {"Content-Type": "application/json"}
    lines = {rng.choice(cat["offers"]) for _ in range(rng.choice((1, 2)))}
    body = json.dumps(
        {
            "email": "charge@example.org",
            "phone": "0612345678",
            "lines": [{"offer_id": offer, "quantity": 1} for offer in lines],
        }
    )
    headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
    return "POST", "/api/v1/checkout", body, headers


class Schedule:
    """Request k is due at start + k / rate; clients take the next due request in turn."""

    def __init__(self, rate: float, start: float, until: float, seed: int) -> None:
        self.rate, self.start, self.until = rate, start, until
        self.sent = 0
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.kinds = [kind for kind, share in MIX for _ in range(share)]

    def next(self) -> tuple[float, str] | None:
        with self.lock:
            due = self.start + self.sent / self.rate
            if due >= self.until:
                return None
            self.sent += 1
            kind = self.rng.choice(self.kinds)
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        return due, kind


def client(port: int, cat: dict, schedule: Schedule, seed: int, out: list, lock) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine = []
    while (job := schedule.next()) is not None:
        due, kind = job
        method, path, body, headers = request_for(kind, rng, cat)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            if status >= 400:
                # The API's error code (DESIGN.md error shape) names the answer.
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    status = f"{status} {json.loads(payload)['error']['code']}"
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine.append((kind, time.perf_counter() - due, status))
    with lock:
        out.extend(mine)


def children_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (gunicorn master and workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process of the machine (backends, and what the
    postmaster reaped of ended ones): the database's share of the two cores. Other users
    of the server count too; run on a quiet machine."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_rate(port: int, cat: dict, rate: float, seconds: float, clients: int, server_pid: int):
    results: list = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    schedule = Schedule(rate, start, start + seconds, seed=int(rate))
    cpu_server, cpu_client = children_cpu(server_pid), time.process_time()
    cpu_database = postgres_cpu()
    threads = [
        threading.Thread(target=client, args=(port, cat, schedule, i, results, lock))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return (
        results,
        elapsed,
        children_cpu(server_pid) - cpu_server,
        postgres_cpu() - cpu_database,
        time.process_time() - cpu_client,
    )


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0] * 1000, values[0] * 1000, values[0] * 1000) if values else (0, 0, 0)
    q = statistics.quantiles(values, n=100)
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--rates", type=float, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (0: its default)")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument(
        "--page-seconds",
        type=int,
        default=10,
        help="STOREFRONT_PAGE_SECONDS of the server (production's 10; 0: no page cache)",
    )
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        raise SystemExit("The load test runs on PostgreSQL (--url postgres://…).")

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    url = database_url(args.url, BENCH_DB)
    ensure_database(args.url)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "load_demo")
    # load_demo analyses what it loads; a database kept from an older run may never have
    # been (autovacuum is off on these machines): the planner needs statistics.
    manage(url, "shell", "-c", "from cabas.ops.statistics import tables_analyze; tables_analyze()")
    cat = catalogue(url)
    from django.db import connections

    connections.close_all()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    env.update({f"API_RATE_LIMIT_{kind}": "100000000" for kind in RATE_LIMITS})
    if args.redis:
        env["REDIS_URL"] = args.redis
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    env["STOREFRONT_PAGE_SECONDS"] = str(args.page_seconds)
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "cabas/gunicorn.conf.py",
         "cabas.wsgi:application"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rows = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer")
            time.sleep(0.3)
        run_rate(port, cat, min(args.rates), args.warmup, args.clients, server.pid)
        for rate in args.rates:
            rows.append((rate, *run_rate(port, cat, rate, args.seconds, args.clients, server.pid)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(f"load test — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {platform.node()}")
    print(f"machine: {os.cpu_count()} cores; load average before: {load_before}")
    print(
        f"{args.clients} keep-alive clients, {args.seconds:.0f} s per rate, demo data (paris), "
        f"gunicorn workers: {args.workers or 'default'}, "
        f"cache: {'Redis' if args.redis else 'local memory'}, "
        f"page cache: {f'{args.page_seconds} s' if args.page_seconds else 'off'}"
    )
    for rate, results, elapsed, cpu_server, cpu_database, cpu_client in rows:
        answers = Counter(str(status) for _k, _t, status in results)
        errors = sum(
            n
            for status, n in answers.items()
            if not (status[:1] == "2" or status.partition(" ")[2] in BUSINESS_ANSWERS)
        )
        p50, p95, p99 = percentiles(sorted(t for _k, t, _s in results))
        print(
            f"\nrate {rate:g}/s: achieved {len(results) / elapsed:.1f}/s, "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, errors {errors}; "
            f"CPU gunicorn {cpu_server:.1f} s, PostgreSQL {cpu_database:.1f} s, "
            f"client {cpu_client:.1f} s over {elapsed:.0f} s"
        )
        by_kind = defaultdict(list)
        for kind, t, _s in results:
            by_kind[kind].append(t)
        for kind, times in sorted(by_kind.items()):
            k50, k95, k99 = percentiles(sorted(times))
            print(
                f"  {kind:9s} n={len(times):5d}  p50 {k50:6.0f}  p95 {k95:6.0f}  p99 {k99:6.0f} ms"
            )
        print("  answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())))


if __name__ == "__main__":
    main()
