"""Spreadsheet import benchmark: 10,000 rows, from file to online, on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 10000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
        [--only sqlite|postgres]

For each database (a throw-away SQLite file; a throw-away database ``cabas_bench_import``
on the PostgreSQL server of ``--pg``), migrates, creates a territory and a shop, writes a
French-Excel-style CSV (semicolons, Windows-1252, ``2,50 €`` prices, valid EAN-13s) and
times, as the merchant's import goes:

- ``upload``: reading the file and guessing the columns (the request that takes the file);
- ``preview``: checking every line against the catalogue (the mapping/preview page);
- ``import``: the worker's run — checking again, then writing products, offers and one
  StockMovement per stocked line in one transaction (target: ≤ 10 s for 10,000 rows);
- ``CPU``: the import's CPU time in this Python process (with SQLite it includes the
  database's work; PostgreSQL's share is not counted): the figure to read when other
  programs load the machine;
- ``index``: the search indexing that follows the commit;
- ``reimport``: the same file with every price and stock changed (updates path).

Prints one line per phase and database, and checks the result (offers, movements).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cabas_bench_import"
TARGET_SECONDS = 10.0


def ean13(seed: int) -> str:
    body = f"37{seed:010d}"
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def make_csv(rows: int, *, price_shift: int = 0) -> bytes:
    rng = random.Random(42)
    lines = ["Référence;EAN;Désignation;Marque;Prix TTC;Qté"]
    for i in range(rows):
        cents = rng.randint(50, 9_999) + price_shift
        stock = (
            rng.choice(["", "0", str(rng.randint(1, 200))])
            if not price_shift
            else str(rng.randint(1, 200))
        )
        lines.append(
            f"ART-{i:06d};{ean13(i)};Article n° {i} – qualité supérieure;Maison {i % 97};"
            f"{cents // 100},{cents % 100:02d} €;{stock}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def child(url: str, rows: int) -> None:
    """Runs in its own process: Django is configured once per process."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cabas.accounts.models import User
    from cabas.backoffice.imports.services import (
        import_run,
        import_start,
        import_upload,
        import_validate,
    )
    from cabas.catalog.models import Offer, StockMovement
    from cabas.search.services import search_index_offers_changed
    from cabas.shops.models import Shop, ShopStatus
    from cabas.territories.models import Territory

    call_command("migrate", verbosity=0)
    territory = Territory.objects.create(
        slug="banc", name="Banc d'essai", centre_lat=48.85, centre_lon=2.35
    )
    shop = Shop.objects.create(
        territory=territory,
        slug="epicerie",
        name="Épicerie",
        lat=48.85,
        lon=2.35,
        status=ShopStatus.APPROVED,
    )
    user = User.objects.create_user(email="bench@example.org", password=None)
    timings: dict[str, float] = {}
    indexed: list[int] = []

    # The search indexing runs on commit; time it apart from the import itself.
    import cabas.backoffice.imports.services as import_services

    def index_later(*, offer_ids):
        indexed.extend(offer_ids)

    import_services.search_index_offers_changed = index_later

    def run(label: str, content: bytes) -> None:
        start = time.perf_counter()
        job = import_upload(shop=shop, user=user, filename="caisse.csv", content=content)
        timings[f"{label}upload"] = time.perf_counter() - start
        start = time.perf_counter()
        validation = import_validate(job=job)
        timings[f"{label}preview"] = time.perf_counter() - start
        assert validation.ok, validation.errors[:3]
        job = import_start(job=job)
        start, cpu = time.perf_counter(), time.process_time()
        summary = import_run(job_id=job.pk)
        timings[f"{label}import"] = time.perf_counter() - start
        timings[f"{label}import_cpu"] = time.process_time() - cpu
        assert summary is not None
        start = time.perf_counter()
        search_index_offers_changed(offer_ids=list(indexed))
        timings[f"{label}index"] = time.perf_counter() - start
        indexed.clear()

    run("", make_csv(rows))
    offers = Offer.objects.filter(shop=shop).count()
    movements = StockMovement.objects.count()
    run("re", make_csv(rows, price_shift=7))
    result = {
        "vendor": connection.vendor,
        "rows": rows,
        "offers": offers,
        "movements_first": movements,
        "movements_total": StockMovement.objects.count(),
        "timings": timings,
    }
    print(json.dumps(result))


def recreate_pg(base_url: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    head, _sep, _tail = base_url.rpartition("/")
    return f"{head}/{BENCH_DB}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    urls = []
    with tempfile.TemporaryDirectory() as folder:
        if args.only != "postgres":
            urls.append(("SQLite", f"sqlite:///{folder}/bench.sqlite3"))
        if args.only != "sqlite":
            urls.append(("PostgreSQL", recreate_pg(args.pg)))
        print(
            f"Import benchmark, {args.rows:,} rows — {time.strftime('%Y-%m-%d')}, "
            f"{platform.machine()} {os.cpu_count()} CPU, Python {platform.python_version()}"
        )
        failed = False
        for name, url in urls:
            output = subprocess.run(  # noqa: S603 (this script, this interpreter)
                [sys.executable, __file__, "--child", url, "--rows", str(args.rows)],
                capture_output=True,
                text=True,
                check=False,
            )
            if output.returncode != 0:
                print(f"{name}: failed\n{output.stderr[-3000:]}")
                failed = True
                continue
            result = json.loads(output.stdout.strip().splitlines()[-1])
            t = result["timings"]
            verdict = "OK" if t["import"] <= TARGET_SECONDS else "OVER TARGET"
            print(
                f"{name:<11} upload {t['upload']:5.2f} s  preview {t['preview']:5.2f} s  "
                f"import {t['import']:5.2f} s ({verdict}, target ≤ {TARGET_SECONDS:.0f} s; "
                f"CPU of this process {t['import_cpu']:.2f} s)  "
                f"index {t['index']:5.2f} s  | re-import {t['reimport']:5.2f} s  "
                f"| {result['offers']:,} offers, {result['movements_first']:,} movements, "
                f"{result['movements_total']:,} after re-import"
            )
            failed = failed or result["offers"] != args.rows
        if failed:
            sys.exit(1)


if __name__ == "__main__":
    main()
