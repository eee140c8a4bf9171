"""Task queue throughput: N tasks enqueued, K worker processes draining them, on PostgreSQL.

    .venv/bin/python bench/tasks.py [--url postgres://postgres@127.0.0.1:5432/postgres]
        [--tasks 5000] [--workers 1 2 4] [--work-ms 0 5] [--batch 20]

Creates the throw-away database ``cabas_bench_tasks`` on the server of ``--url`` and
migrates it (kept between runs). For each combination of ``--work-ms`` (what one task
does: 0 = nothing, the queue's own cost; 5 = a 5 ms wait, like an SMTP hand-off or a
webhook call) and ``--workers``, it empties the queue, enqueues ``--tasks`` tasks (one
statement per 1,000, as ``tasks_enqueue_many`` does), then forks K processes that each
run the worker's loop (``tasks_run_due``: claim a batch with ``FOR UPDATE SKIP LOCKED``,
run, mark done) until the queue is empty. Prints the enqueue rate, tasks/s drained, and
checks that every task ran exactly once (each task records its run in a table with a
unique key; every task row ends ``done`` after one attempt): it exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cabas_bench_tasks"
TASK_NAME = "bench.noop"
RUNS_TABLE = "bench_task_runs"


def database_url(base: str, name: str) -> str:
    head, _sep, _tail = base.rpartition("/")
    return f"{head}/{name}"


def setup(url: str) -> None:
    import psycopg

    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = database_url(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def register(work_ms: float) -> None:
    from django.db import connection

    from cabas.tasks.registry import _registry, task

    _registry.pop(TASK_NAME, None)

    @task(TASK_NAME, max_attempts=1)
    def noop(*, n: int) -> None:
        if work_ms:
            time.sleep(work_ms / 1000)
        with connection.cursor() as cursor:
            # A second run of the same task would break the primary key.
            cursor.execute(
                f"INSERT INTO {RUNS_TABLE} (n, pid) VALUES (%s, %s)",  # noqa: S608 (constant)
                [n, os.getpid()],
            )


def worker(index: int, batch: int, start_at: float) -> None:
    from django.db import connections

    from cabas.tasks.services import tasks_run_due

    connections.close_all()  # never share the parent's connection
    while time.perf_counter() < start_at:
        time.sleep(0.001)
    worker_id = f"bench:{index}:{os.getpid()}"
    while tasks_run_due(worker_id=worker_id, limit=batch):
        pass
    connections.close_all()


def run(tasks: int, workers: int, batch: int, work_ms: float) -> dict:
    from django.db import connection, connections

    from cabas.tasks.models import Task, TaskStatus
    from cabas.tasks.services import tasks_enqueue_many

    register(work_ms)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (n integer PRIMARY KEY, pid int)")
        cursor.execute(f"TRUNCATE {RUNS_TABLE}")
    Task.objects.all().delete()
    started = time.perf_counter()
    for first in range(0, tasks, 1000):
        calls = [(TASK_NAME, {"n": n}, None) for n in range(first, min(first + 1000, tasks))]
        tasks_enqueue_many(calls=calls)
    enqueue_seconds = time.perf_counter() - started
    connection.cursor().execute("ANALYZE tasks_task")
    connections.close_all()

    context = multiprocessing.get_context("fork")
    start_at = time.perf_counter() + 0.5
    processes = [context.Process(target=worker, args=(i, batch, start_at)) for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - start_at

    done = Task.objects.filter(status=TaskStatus.DONE, attempts=1).count()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT pid) FROM {RUNS_TABLE}")  # noqa: S608
        runs, pids = cursor.fetchone()
    return {
        "enqueue_per_s": tasks / enqueue_seconds,
        "drain_per_s": tasks / seconds,
        "seconds": seconds,
        "done": done,
        "runs": runs,
        "pids": pids,
        "failed": [p.exitcode for p in processes if p.exitcode],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--work-ms", type=float, nargs="+", default=[0, 5])
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        raise SystemExit("The task benchmark runs on PostgreSQL (--url postgres://…).")

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    setup(args.url)
    print(f"task queue — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {platform.node()}")
    print(f"machine: {os.cpu_count()} cores; load average before: {load_before}")
    print(f"{args.tasks} tasks, batch {args.batch}, PostgreSQL (FOR UPDATE SKIP LOCKED)")
    broken = False
    for work_ms in args.work_ms:
        for workers in args.workers:
            result = run(args.tasks, workers, args.batch, work_ms)
            exactly_once = result["done"] == result["runs"] == args.tasks
            broken |= not exactly_once or bool(result["failed"])
            print(
                f"work {work_ms:g} ms, {workers} worker(s):"
                f" enqueue {result['enqueue_per_s']:,.0f}/s,"
                f" drained {result['drain_per_s']:,.0f} tasks/s ({result['seconds']:.1f} s),"
                f" {result['runs']} runs by {result['pids']} process(es),"
                f" exactly once: {'yes' if exactly_once else 'NO'}"
            )
    if broken:
        raise SystemExit("a task ran twice, never, or a worker failed")


if __name__ == "__main__":
    main()
