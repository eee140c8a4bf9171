"""Checkout benchmark: 20 concurrent clients against gunicorn on PostgreSQL.

    .venv/bin/python bench/checkout.py [--url postgres://postgres@127.0.0.1:5432/postgres]
        [--clients 20] [--seconds 20] [--workers 4]

Creates a throw-away database ``cabas_bench_checkout`` on the server of ``--url``,
migrates it, seeds one territory (30 shops open 24/7, 20 offers each, one "hot"
offer with little stock that a fifth of the checkouts also buy), starts gunicorn on
127.0.0.1 and makes each client post ``/api/v1/checkout`` (2–3 lines from 1–2 shops,
a new ``Idempotency-Key`` each) in a loop. Prints sustained checkouts per second,
latency percentiles, the answers by status, and checks that no offer was oversold
(stock = initial − sold, never negative). Traffic stays on the loopback; the loop
is bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cabas_bench_checkout"
HOT_STOCK = 150


def database_url(base: str, name: str) -> str:
    head, _sep, _tail = base.rpartition("/")
    return f"{head}/{name}"


def recreate_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    # The benchmark's clients all come from one address: the API rate limits would cut them.
    for kind in ("ANONYMOUS", "ANONYMOUS_WRITES", "TOKEN", "TOKEN_WRITES"):
        os.environ[f"API_RATE_LIMIT_{kind}"] = "1000000000"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(shops: int = 30, offers_per_shop: int = 20) -> dict:
    from django.core.management import call_command

    from cabas.catalog.models import Offer, Product
    from cabas.fulfilment.models import ShopFulfilment
    from cabas.shops.models import Shop, ShopStatus
    from cabas.territories.models import Territory

    call_command("migrate", verbosity=0)
    territory = Territory.objects.create(
        slug="banc-d-essai", name="Banc d'essai", centre_lat=48.85, centre_lon=2.35
    )
    shop_rows = Shop.objects.bulk_create(
        Shop(
            territory=territory,
            slug=f"commerce-{i}",
            name=f"Commerce {i}",
            lat=48.85,
            lon=2.35,
            opening_hours="24/7",
            offers_click_collect=True,
            status=ShopStatus.APPROVED,
        )
        for i in range(shops)
    )
    ShopFulfilment.objects.bulk_create(
        ShopFulfilment(territory=territory, shop=shop, capacity_per_slot=10_000, lead_minutes=30)
        for shop in shop_rows
    )
    products = Product.objects.bulk_create(
        Product(territory=territory, name=f"Produit {i}") for i in range(shops * offers_per_shop)
    )
    offers = Offer.objects.bulk_create(
        Offer(
            territory=territory,
            shop=shop_rows[i // offers_per_shop],
            product=product,
            sku=f"SKU-{i}",
            price_cents=100 + i % 900,
            stock=None if i % 3 == 0 else 1_000_000,
        )
        for i, product in enumerate(products)
    )
    hot = offers[1]
    Offer.objects.filter(pk=hot.pk).update(stock=HOT_STOCK)
    by_shop: dict[int, list[int]] = {}
    for offer in offers:
        by_shop.setdefault(offer.shop_id, []).append(offer.pk)
    return {"by_shop": by_shop, "hot": hot.pk}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/cart")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


class Pacer:
    """Constant arrival rate shared by the clients: request k is due at start + k / rate.

    Latency is counted from the due time, not from the send, so a request that waits
    for a free client is charged the wait (no coordinated omission).
    """

    def __init__(self, rate: float, start: float) -> None:
        self.rate = rate
        self.start = start
        self.sent = 0
        self.lock = threading.Lock()

    def next_due(self) -> float:
        with self.lock:
            due = self.start + self.sent / self.rate
            self.sent += 1
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        return due


def client_loop(
    port: int,
    catalogue: dict,
    until: float,
    seed_value: int,
    results: list,
    lock: threading.Lock,
    pacer: Pacer | None = None,
) -> None:
    rng = random.Random(seed_value)
    shops = list(catalogue["by_shop"].values())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine: list[tuple[float, int, str]] = []
    while time.monotonic() < until:
        due = pacer.next_due() if pacer is not None else None
        if time.monotonic() >= until:
            break
        chosen = rng.sample(shops, rng.choice((1, 2)))
        offers = {rng.choice(offers) for offers in chosen}
        offers.add(rng.choice(chosen[0]))
        if rng.random() < 0.2:
            offers.add(catalogue["hot"])
        body = json.dumps(
            {
                "email": f"client{seed_value}@example.org",
                "phone": "0612345678",
                "lines": [{"offer_id": o, "quantity": rng.randint(1, 2)} for o in offers],
            }
        )
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        started = due if due is not None else time.perf_counter()
        try:
            conn.request("POST", "/api/v1/checkout", body, headers)
            response = conn.getresponse()
            payload = response.read()
            code = ""
            if response.status != 201:
                try:
                    code = json.loads(payload)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = "unparsable"
            mine.append((time.perf_counter() - started, response.status, code))
        except (OSError, http.client.HTTPException) as exc:
            mine.append((time.perf_counter() - started, 0, type(exc).__name__))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with lock:
        results.extend(mine)


def oversell_report() -> tuple[int, int, list[str]]:
    from django.db.models import Sum

    from cabas.catalog.models import Offer, StockMovement
    from cabas.orders.models import OrderLine

    problems = []
    negative = Offer.objects.filter(stock__lt=0).count()
    if negative:
        problems.append(f"{negative} offers below zero")
    sold = dict(
        OrderLine.objects.values_list("offer_id")
        .annotate(n=Sum("quantity"))
        .values_list("offer_id", "n")
    )
    moved = dict(
        StockMovement.objects.values_list("offer_id")
        .annotate(n=Sum("delta"))
        .values_list("offer_id", "n")
    )
    for offer in Offer.objects.filter(stock__isnull=False, pk__in=list(sold)):
        initial = HOT_STOCK if offer.stock <= HOT_STOCK and offer.pk in moved else 1_000_000
        if offer.stock != initial - sold.get(offer.pk, 0):
            problems.append(f"offer {offer.pk}: stock {offer.stock}, sold {sold.get(offer.pk)}")
        if moved.get(offer.pk, 0) != -sold.get(offer.pk, 0):
            problems.append(f"offer {offer.pk}: movements {moved.get(offer.pk)} ≠ sold")
    hot = Offer.objects.filter(stock__lte=HOT_STOCK).order_by("stock").first()
    return (hot.stock if hot else -1), sum(sold.values()), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="requests per second at a constant arrival rate, shared by the clients "
        "(0: closed loop, each client sends as soon as it has its answer)",
    )
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        raise SystemExit("The checkout benchmark runs on PostgreSQL (--url postgres://…).")

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    recreate_database(args.url)
    url = database_url(args.url, BENCH_DB)
    setup_django(url)
    catalogue = seed()
    from django.db import connections

    connections.close_all()

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "cabas.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        # 409s are logged as warnings by Django: keep them out of the report.
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port)
        lock = threading.Lock()
        warm: list = []
        warm_until = time.monotonic() + args.warmup
        warmers = [
            threading.Thread(
                target=client_loop, args=(port, catalogue, warm_until, 1000 + i, warm, lock)
            )
            for i in range(args.clients)
        ]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        results: list = []
        started = time.monotonic()
        until = started + args.seconds
        pacer = Pacer(args.rate, time.perf_counter()) if args.rate > 0 else None
        threads = [
            threading.Thread(
                target=client_loop, args=(port, catalogue, until, i, results, lock, pacer)
            )
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    latencies = sorted(r[0] for r in results)
    answers = Counter(f"{status} {code}".strip() for _t, status, code in results)
    placed = answers.get("201", 0)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    hot_left, units_sold, problems = oversell_report()
    print(f"checkout benchmark — {time.strftime('%Y-%m-%d')} — {platform.node()}")
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"load average before the run: {load_before}")
    mode = f"constant arrival {args.rate:g} requests/s" if args.rate > 0 else "closed loop"
    print(
        f"clients: {args.clients} ({mode}), gunicorn workers: {args.workers}, "
        f"measured: {elapsed:.1f} s"
    )
    print(f"requests: {len(results)} ({len(results) / elapsed:.1f}/s)")
    print(f"checkouts placed: {placed} ({placed / elapsed:.1f}/s)")
    p50, p95, p99 = (quantiles[i] * 1000 for i in (49, 94, 98))
    print(
        f"latency ms: p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}, max {latencies[-1] * 1000:.0f}"
    )
    print("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())))
    print(f"hot offer: {HOT_STOCK} units, {hot_left} left; units sold in all: {units_sold}")
    print("oversell: " + ("none" if not problems else "; ".join(problems[:5])))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
