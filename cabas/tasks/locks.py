"""Row locks of the task queue: claiming due tasks so two workers never run the same one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q

from .models import Task, TaskStatus


def claim_due_tasks(
    *, worker_id: str, limit: int, now: dt.datetime, stale_before: dt.datetime
) -> list[Task]:
    """Mark up to ``limit`` due tasks as running for ``worker_id`` and return them.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets workers claim disjoint rows in
    parallel. SQLite has no row locks; the settings open every transaction with
    ``BEGIN IMMEDIATE``, so the select and the update below run under the single
    write lock and two workers cannot claim the same row either.
    A task left ``running`` since before ``stale_before`` belonged to a worker that
    died; it is claimed again.
    """
    due = Q(status=TaskStatus.QUEUED, run_after__lte=now) | Q(
        status=TaskStatus.RUNNING, locked_at__lt=stale_before
    )
    with transaction.atomic():
        ids = list(
            Task.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("run_after", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Task.objects.filter(pk__in=ids).update(
            status=TaskStatus.RUNNING,
            locked_by=worker_id,
            locked_at=now,
            attempts=F("attempts") + 1,
        )
        return list(Task.objects.filter(pk__in=ids).order_by("run_after", "pk"))
