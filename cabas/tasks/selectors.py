"""Reads of the task queue, for /healthz and operators."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Task, TaskStatus

# /healthz reports the queue unhealthy when due work waits longer than this.
MAX_HEALTHY_LAG = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class QueueHealth:
    due: int  # queued and due now
    failed: int  # gave up after max_attempts
    lag_seconds: float  # how long the oldest due task has waited (0 when none)

    @property
    def healthy(self) -> bool:
        return self.lag_seconds <= MAX_HEALTHY_LAG.total_seconds()

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "due": self.due,
            "failed": self.failed,
            "lag_seconds": round(self.lag_seconds, 1),
            "healthy": self.healthy,
        }


def queue_health(*, now: dt.datetime | None = None) -> QueueHealth:
    """One query: due count, failed count and the age of the oldest due task."""
    moment = now or timezone.now()
    due = Q(status=TaskStatus.QUEUED, run_after__lte=moment)
    row = Task.objects.aggregate(
        due=Count("pk", filter=due),
        failed=Count("pk", filter=Q(status=TaskStatus.FAILED)),
        oldest=Min("run_after", filter=due),
    )
    oldest = row["oldest"]
    lag = (moment - oldest).total_seconds() if oldest else 0.0
    return QueueHealth(due=row["due"], failed=row["failed"], lag_seconds=max(lag, 0.0))
