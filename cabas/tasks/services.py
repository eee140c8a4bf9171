"""The durable task queue: enqueue inside the caller's transaction, run from a worker.

Invariant (DESIGN 8): a side effect (an email, a webhook) happens only after the
change that causes it has committed, and is never lost once it has. ``task_enqueue``
writes the task row in the caller's transaction (a transactional outbox): if the
transaction rolls back, the task never existed; if it commits, the row is on disk
even if the process dies the next instant, which ``transaction.on_commit`` alone
cannot promise. Workers see only committed rows, so nothing runs early.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from .locks import claim_due_tasks
from .models import Task, TaskStatus
from .registry import get_task, periodic_tasks

logger = logging.getLogger("cabas.tasks")

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
# A task running longer than this is taken to belong to a dead worker.
VISIBILITY_TIMEOUT = dt.timedelta(minutes=15)
LAST_ERROR_MAX_CHARS = 4000


class RetryLater(Exception):
    """Raised by a task to be retried; ``delay`` (say, a server's Retry-After) replaces
    the queue's backoff for this one retry."""

    def __init__(self, message: str, *, delay: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.delay = delay


def task_enqueue(
    *,
    name: str,
    kwargs: dict[str, Any] | None = None,
    territory_id: int | None = None,
    delay: dt.timedelta | None = None,
) -> Task:
    """Queue ``name(**kwargs)``; runs once the surrounding transaction has committed."""
    definition = get_task(name)
    payload = kwargs or {}
    # Fail now, in the caller, rather than later in the worker.
    json.dumps(payload)
    return Task.objects.create(
        name=definition.name,
        kwargs=payload,
        territory_id=territory_id,
        run_after=timezone.now() + (delay or dt.timedelta()),
        max_attempts=definition.max_attempts,
    )


def tasks_enqueue_many(*, calls: Sequence[tuple[str, Mapping[str, Any], int | None]]) -> None:
    """Queue several ``(name, kwargs, territory_id)`` calls in one statement."""
    now = timezone.now()
    rows = []
    for name, kwargs, territory_id in calls:
        definition = get_task(name)
        json.dumps(kwargs)
        rows.append(
            Task(
                name=definition.name,
                kwargs=dict(kwargs),
                territory_id=territory_id,
                run_after=now,
                max_attempts=definition.max_attempts,
            )
        )
    Task.objects.bulk_create(rows)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: 30 s, 1 min, 2 min … capped at one hour."""
    seconds = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _run_one(task: Task, worker_id: str) -> bool:
    """Run a claimed task and record the outcome; True when it succeeded."""
    try:
        get_task(task.name).func(**task.kwargs)
    except Exception as exc:
        now = timezone.now()
        error = "".join(traceback.format_exception(exc))[-LAST_ERROR_MAX_CHARS:]
        if task.attempts >= task.max_attempts:
            logger.error("Task %s #%s failed for good: %s", task.name, task.pk, exc)
            update: dict[str, Any] = {"status": TaskStatus.FAILED, "finished_at": now}
        else:
            logger.warning("Task %s #%s failed, will retry: %s", task.name, task.pk, exc)
            delay = exc.delay if isinstance(exc, RetryLater) else None
            if delay is None:
                delay = retry_delay(task.attempts)
            update = {"status": TaskStatus.QUEUED, "run_after": now + delay}
        Task.objects.filter(pk=task.pk, locked_by=worker_id).update(
            last_error=error, locked_by="", locked_at=None, **update
        )
        return False
    Task.objects.filter(pk=task.pk, locked_by=worker_id).update(
        status=TaskStatus.DONE, finished_at=timezone.now(), locked_by="", locked_at=None
    )
    return True


def tasks_run_due(*, worker_id: str, limit: int = 20, now: dt.datetime | None = None) -> int:
    """Claim and run the tasks due now, one batch; returns how many were run."""
    moment = now or timezone.now()
    claimed = claim_due_tasks(
        worker_id=worker_id, limit=limit, now=moment, stale_before=moment - VISIBILITY_TIMEOUT
    )
    for task in claimed:
        _run_one(task, worker_id)
    return len(claimed)


def tasks_drain(*, worker_id: str = "drain", now: dt.datetime | None = None) -> int:
    """Run every task due now, batch after batch (tests, ``run_tasks --once``)."""
    total = 0
    while ran := tasks_run_due(worker_id=worker_id, now=now):
        total += ran
    return total


def tasks_schedule_periodic(*, now: dt.datetime | None = None) -> list[str]:
    """Queue each periodic task whose period has passed since it was last queued.

    A periodic task still queued or running is not queued again, so a slow run or
    several workers never pile copies up; periodic tasks are idempotent anyway.
    Returns the names queued.
    """
    moment = now or timezone.now()
    queued = []
    for name, every in sorted(periodic_tasks().items()):
        pending = Task.objects.filter(
            name=name, status__in=[TaskStatus.QUEUED, TaskStatus.RUNNING]
        ).exists()
        recent = Task.objects.filter(name=name, created_at__gt=moment - every).exists()
        if pending or recent:
            continue
        Task.objects.create(
            name=name,
            kwargs={},
            run_after=moment,
            max_attempts=get_task(name).max_attempts,
        )
        queued.append(name)
    return queued


def tasks_prune(*, older_than: dt.timedelta) -> int:
    """Delete finished tasks older than ``older_than``; failed ones stay for inspection."""
    cutoff = timezone.now() - older_than
    deleted, _ = Task.objects.filter(status=TaskStatus.DONE, finished_at__lt=cutoff).delete()
    return deleted
