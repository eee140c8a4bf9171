"""Planner benchmark: 15-line shopping lists over the 1M-offer synthetic territory.

    .venv/bin/python bench/plan.py [--engine sqlite|postgresql|both] [--rounds 40]
        [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Reads (never writes) the ``bench-1m`` territory that ``bench/search.py`` builds with
``generate_territory`` in ``var/bench.sqlite3`` and in the PostgreSQL database
``cabas_bench``; run that benchmark first. Each round draws a 15-line list from a French
grocery vocabulary and a starting point within 1.5 km of the territory's centre (seeded,
so runs compare), then plans it at a fixed moment (a Wednesday, 10:00 in Paris) within
2 km: through the selector (with the time spent searching and covering), and through
``POST /api/v1/territories/bench-1m/plan`` (Django test client, next Wednesday 10:00).
Prints the numbers and a markdown row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SQLITE_BENCH = ROOT / "var" / "bench.sqlite3"
PG_BENCH_DB = "cabas_bench"
SLUG = "bench-1m"
SHOPS = 0  # --shops N: the territory bench-plan-N instead
SEED = 7
LINES = 15
MAX_KM = 2.0
# Wednesday 12 March 2025, 10:00 in Paris.
FROZEN_NOW = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)
VOCABULARY = [
    "pain",
    "6 œufs",
    "comté",
    "lait",
    "beurre",
    "café moulu",
    "chocolat noir",
    "pâtes",
    "tomates",
    "yaourt nature",
    "jus d'orange",
    "huile d'olive",
    "farine",
    "confiture",
    "thé vert",
    "fromage de chèvre",
    "jambon blanc",
    "riz",
    "miel",
    "biscuits",
    "vin rouge",
    "saucisson sec",
    "crème fraîche",
    "2 baguettes",
    "un bouquet",
    "album jeunesse",
    "savon",
    "lentilles",
    "sucre",
    "compote",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, math.ceil(share * len(ordered)) - 1)
    return ordered[index]


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


def ensure_territory(shops: int) -> None:
    """Build ``bench-plan-<shops>`` (1M offers over ``shops`` shops) when it is missing."""
    from django.core.management import call_command
    from django.db import connection

    from cabas.search.services import search_index_rebuild
    from cabas.territories.models import Territory

    call_command("migrate", verbosity=0)
    if Territory.objects.filter(slug=SLUG).exists():
        return
    started = time.perf_counter()
    call_command(
        "generate_territory",
        slug=SLUG,
        shops=shops,
        offers_per_shop=1_000_000 // shops,
        seed=SEED,
        verbosity=0,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    search_index_rebuild(territory=Territory.objects.get(slug=SLUG))
    print(f"{SLUG} built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def child(rounds: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from cabas.catalog.models import Offer
    from cabas.geo.distance import Point
    from cabas.planner import selectors as planner
    from cabas.planner.lines import parse_list
    from cabas.territories.models import Territory

    if os.environ.get("BENCH_PLAN_SHOPS"):
        ensure_territory(int(os.environ["BENCH_PLAN_SHOPS"]))
    territory = Territory.objects.filter(slug=SLUG).first()
    if territory is None:
        raise SystemExit(f"{SLUG} is missing from {connection.vendor}: run bench/search.py first")
    shops = territory.shops.count()
    offers = Offer.objects.filter(territory=territory).count()
    rng = random.Random(SEED)
    centre = Point(territory.centre_lat, territory.centre_lon)

    def draw() -> tuple[list[str], Point]:
        angle, radius = rng.uniform(0, 2 * math.pi), 1.5 * math.sqrt(rng.random())
        start = Point(
            centre.lat + radius * math.sin(angle) / 111.2,
            centre.lon + radius * math.cos(angle) / (111.2 * math.cos(math.radians(centre.lat))),
        )
        return rng.sample(VOCABULARY, LINES), start

    searched: list[float] = []
    original = planner._search_lines

    def timed_hits(request: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(request)
        finally:
            searched[-1] += time.perf_counter() - started

    planner._search_lines = timed_hits  # type: ignore[assignment]
    # Warm-up: the shop snapshot and caches are built once per process.
    lines, start = draw()
    searched.append(0.0)
    planner.plan_list(planner.PlanRequest(territory, parse_list(lines), start, FROZEN_NOW, MAX_KM))

    totals: list[float] = []
    # CPU of the whole process (the search threads included; with PostgreSQL not the
    # server's): the figure to read when other programs load the machine.
    cpu: list[float] = []
    stops: list[int] = []
    uncovered: list[int] = []
    exact = 0
    for _round in range(rounds):
        lines, start = draw()
        searched.append(0.0)
        started, started_cpu = time.perf_counter(), time.process_time()
        plan = planner.plan_list(
            planner.PlanRequest(territory, parse_list(lines), start, FROZEN_NOW, MAX_KM)
        )
        totals.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        stops.append(len(plan.stops))
        uncovered.append(len(plan.uncovered))
        exact += plan.exact
    searched = searched[1:]
    planner._search_lines = original  # type: ignore[assignment]

    # Through the API, at next Wednesday 10:00 in Paris (the API refuses a past moment).
    zone = ZoneInfo(territory.timezone)
    today = dt.datetime.now(zone).date()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    at = dt.datetime.combine(wednesday, dt.time(10, 0), tzinfo=zone).isoformat()
    client = Client()
    api: list[float] = []
    for _round in range(rounds):
        lines, start = draw()
        body = json.dumps(
            {"lines": lines, "lat": start.lat, "lon": start.lon, "at": at, "max_km": MAX_KM}
        )
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/territories/{SLUG}/plan", body, content_type="application/json"
        )
        api.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")

    cover = [t - s for t, s in zip(totals, searched, strict=True)]
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "shops": shops,
                "offers": offers,
                "rounds": rounds,
                "p50": statistics.median(totals),
                "p95": percentile(totals, 0.95),
                "max": max(totals),
                "cpu_p50": statistics.median(cpu),
                "cpu_p95": percentile(cpu, 0.95),
                "search_p50": statistics.median(searched),
                "cover_p50": statistics.median(cover),
                "cover_p95": percentile(cover, 0.95),
                "api_p50": statistics.median(api),
                "api_p95": percentile(api, 0.95),
                "stops_mean": statistics.mean(stops),
                "uncovered_mean": statistics.mean(uncovered),
                "exact_share": exact / rounds,
            }
        )
    )


def run(engine: str, url: str, rounds: int) -> dict[str, Any]:
    env = {
        **os.environ,
        # The API's per-IP rate limits would answer 429 to a benchmark's hundreds of plans
        # a minute from one address (cabas/api/ratelimit.py); the counting still runs.
        "API_RATE_LIMIT_ANONYMOUS": "1000000000",
        "API_RATE_LIMIT_ANONYMOUS_WRITES": "1000000000",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    if SHOPS:
        env["BENCH_PLAN_SHOPS"] = str(SHOPS)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--rounds", str(rounds)]
    command += ["--shops", str(SHOPS)] if SHOPS else []
    print(f"== {engine}", flush=True)
    done = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{engine}: the benchmark child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--shops",
        type=int,
        default=0,
        help="plan over bench-plan-<N>: 1M offers spread over N shops (built when missing); "
        "default: bench-1m of bench/search.py (1,000 shops)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global SHOPS, SLUG
    if args.shops:
        SHOPS, SLUG = args.shops, f"bench-plan-{args.shops}"
    if args.child:
        child(args.rounds)
        return
    host = machine()
    results = []
    if args.engine in ("sqlite", "both"):
        results.append(run("SQLite", f"sqlite:///{SQLITE_BENCH}", args.rounds))
    if args.engine in ("postgresql", "both"):
        head, _sep, _tail = args.pg_url.rpartition("/")
        results.append(run("PostgreSQL", f"{head}/{PG_BENCH_DB}", args.rounds))
    print(
        f"\n{host['date']} · {host['cpus']} CPU {host['cpu']} · {host['memory']} RAM · "
        f"Python {host['python']} · load {host['load']}\n"
    )
    print(
        "| base | commerces / offres | plan p50 | plan p95 | max | CPU p50 / p95 | recherche p50 | "
        "couverture p50 / p95 | API p50 / p95 | arrêts moy. | lignes non couvertes moy. "
        "| exact |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['vendor']} | {r['shops']:,} / {r['offers']:,} | {ms(r['p50'])} | "
            f"{ms(r['p95'])} | {ms(r['max'])} | {ms(r['cpu_p50'])} / {ms(r['cpu_p95'])} | "
            f"{ms(r['search_p50'])} | "
            f"{ms(r['cover_p50'])} / {ms(r['cover_p95'])} | {ms(r['api_p50'])} / "
            f"{ms(r['api_p95'])} | {r['stops_mean']:.1f} | {r['uncovered_mean']:.1f} | "
            f"{r['exact_share']:.0%} |"
        )


if __name__ == "__main__":
    main()
