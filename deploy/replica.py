"""A PostgreSQL primary and its streaming replica on loopback, and read-your-writes through them.

    .venv/bin/python deploy/replica.py

Creates two private clusters (``initdb``; never the machine's own server): a primary and a
replica made by ``pg_basebackup -R`` that streams from it, on two free loopback ports.
Migrates the primary, then runs Cabas with ``DATABASE_URL`` on the primary and
``DATABASE_REPLICA_URL`` on the replica (``cabas/ops/routers.py``) and checks, with the
replica's replay **paused** so that its lag is as long as we like:

- a checkout through the API is written to the primary (201);
- a plain catalogue read goes to the replica and still sees the old stock;
- the shopper's next page (pinned by the cookie that the POST set) shows the new stock,
  and their order is there at once (orders never read from the replica);
- once replay resumes, the replica catches up and unpinned reads see the new stock.

Exits non-zero with the reason on the first failure; removes the clusters.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class ReplicaFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ReplicaFailure(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command: str) -> None:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    completed = subprocess.run([*prefix, *command], capture_output=True, text=True)  # noqa: S603
    if completed.returncode != 0:
        raise ReplicaFailure(f"{' '.join(command[:2])}: {completed.stderr or completed.stdout}")


def start(data: Path, port: int, log: Path) -> None:
    as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
        "-o", f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data}",
        "start",
    )  # fmt: skip


def psql(port: int, sql: str, database: str = "postgres") -> str:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=database, autocommit=True
    ) as conn:
        cursor = conn.execute(sql)
        row = cursor.fetchone() if cursor.description else None
        return "" if row is None or row[0] is None else str(row[0])


def wait_caught_up(primary: int, replica: int, timeout: float = 60) -> None:
    target = psql(primary, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = psql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done == "True":
            return
        time.sleep(0.2)
    raise ReplicaFailure("the replica did not catch up")


def scenario(primary: int, replica: int) -> list[str]:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{primary}/cabas"
    os.environ["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{replica}/cabas"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from cabas.catalog.models import Offer
    from cabas.factories import OfferFactory, ShopFactory
    from cabas.fulfilment.models import ShopFulfilment
    from cabas.orders.models import Order

    done = []
    shop = ShopFactory(opening_hours="24/7")
    ShopFulfilment.objects.create(territory=shop.territory, shop=shop, lead_minutes=15)
    offer = OfferFactory(shop=shop, stock=10)
    wait_caught_up(primary, replica)
    check(Offer.objects.get(pk=offer.pk).stock == 10, "replica: the offer did not arrive")
    check(connections["replica"].settings_dict["PORT"] == replica, "replica alias not in use")
    done.append("replica streams from the primary (offer visible on the replica)")

    psql(replica, "SELECT pg_wal_replay_pause()")
    shopper = Client()
    answer = shopper.post(
        "/api/v1/checkout",
        json.dumps(
            {
                "email": "replica@example.org",
                "phone": "0612345678",
                "lines": [{"offer_id": offer.pk, "quantity": 3}],
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    check(answer.status_code == 201, f"checkout: {answer.status_code} {answer.content[:300]!r}")
    checkout_id = answer.json()["checkout_id"]
    done.append("checkout written to the primary while the replica's replay is paused")

    check(
        Offer.objects.get(pk=offer.pk).stock == 10,
        "an unpinned catalogue read did not come from the (paused) replica",
    )
    done.append("an unpinned catalogue read comes from the replica (stale stock 10)")

    page = shopper.get(
        reverse(
            "web:product_detail",
            kwargs={"territory": shop.territory.slug, "product_id": offer.product_id},
        )
    )
    field = re.search(rf'id="quantite-{offer.pk}"[^>]*max="(\d+)"', page.content.decode())
    check(page.status_code == 200 and field is not None, "product page without the stock")
    check(field.group(1) == "7", f"the shopper's next page read stock {field.group(1)}, not 7")
    check(
        Order.objects.filter(checkout_id=checkout_id).count() == 1,
        "the new order is not readable at once",
    )
    done.append(
        "the shopper's next page reads the primary: stock 7, order there (read-your-writes)"
    )

    psql(replica, "SELECT pg_wal_replay_resume()")
    wait_caught_up(primary, replica)
    check(Offer.objects.get(pk=offer.pk).stock == 7, "the replica did not catch up")
    done.append("replay resumed: the replica shows stock 7")
    connections.close_all()
    return done


def main() -> None:
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"replica: {PG_BIN}/initdb is missing (PostgreSQL server package)")
    work = Path(tempfile.mkdtemp(prefix="cabas-replica-"))
    work.chmod(0o755)
    primary_dir, replica_dir = work / "primary", work / "replica"
    ports = free_port(), free_port()
    started: list[Path] = []
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    try:
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(primary_dir), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        start(primary_dir, ports[0], work / "primary.log")
        started.append(primary_dir)
        as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]),
            "-U", "postgres", "-D", str(replica_dir), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        start(replica_dir, ports[1], work / "replica.log")
        started.append(replica_dir)
        check(psql(ports[1], "SELECT pg_is_in_recovery()") == "True", "not a standby")
        psql(ports[0], "CREATE DATABASE cabas")
        subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{ports[0]}/cabas"},
            check=True,
        )
        done = scenario(*ports)
    except (ReplicaFailure, subprocess.CalledProcessError) as failure:
        print(f"replica: FAILED — {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        for data in reversed(started):
            try:
                as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
            except ReplicaFailure as error:
                print(f"replica: could not stop {data}: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    for line in done:
        print(f"replica: ok — {line}")


if __name__ == "__main__":
    main()
