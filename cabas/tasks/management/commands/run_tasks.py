"""``manage.py run_tasks``: the worker of the durable task queue (no extra server)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cabas.tasks.services import (
    tasks_drain,
    tasks_prune,
    tasks_run_due,
    tasks_schedule_periodic,
)

PRUNE_EVERY_SECONDS = 3600
SCHEDULE_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = "Run queued tasks (emails, webhooks) until stopped; --once drains and exits."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run due tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll, seconds.")
        parser.add_argument("--batch", type=int, default=20, help="Tasks claimed at once.")
        parser.add_argument(
            "--keep-days", type=int, default=7, help="Delete finished tasks older than this."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}:{os.getpid()}"
        if options["once"]:
            # Periodic tasks are queued by the looping worker or ``schedule_due_tasks``.
            ran = tasks_drain(worker_id=worker_id)
            self.stdout.write(f"{ran} task(s) run.")
            return
        self._stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        keep = dt.timedelta(days=options["keep_days"])
        last_prune = last_schedule = 0.0
        self.stdout.write(f"Worker {worker_id} started.")
        while not self._stopping:
            close_old_connections()
            if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                tasks_prune(older_than=keep)
                last_prune = time.monotonic()
            if time.monotonic() - last_schedule > SCHEDULE_EVERY_SECONDS:
                tasks_schedule_periodic()
                last_schedule = time.monotonic()
            if not tasks_run_due(worker_id=worker_id, limit=options["batch"]):
                time.sleep(options["interval"])
        self.stdout.write(f"Worker {worker_id} stopped.")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # Finish the task in hand, then leave the loop.
        self._stopping = True
