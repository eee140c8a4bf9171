"""``manage.py schedule_due_tasks``: queue the periodic tasks that are due (for cron).

``run_tasks`` does this by itself every minute; this command serves deployments that
run the worker with ``--once`` from cron.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cabas.tasks.services import tasks_schedule_periodic


class Command(BaseCommand):
    help = "Queue the periodic tasks whose period has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        names = tasks_schedule_periodic()
        self.stdout.write(f"{len(names)} periodic task(s) queued: {', '.join(names) or '-'}")
