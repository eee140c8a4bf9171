"""The durable task queue: after commit only, retried with backoff, claimed once."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cabas.tasks.models import Task, TaskStatus
from cabas.tasks.registry import UnknownTaskError, task
from cabas.tasks.selectors import queue_health
from cabas.tasks.services import RetryLater, task_enqueue, tasks_drain, tasks_run_due
from cabas.testing.concurrency import run_in_threads

calls: Counter = Counter()
calls_lock = threading.Lock()
failures_left = {"n": 0}


@task("tests.record", max_attempts=3)
def record(*, label: str) -> None:
    if failures_left["n"] > 0:
        failures_left["n"] -= 1
        raise ConnectionError("SMTP down")
    with calls_lock:
        calls[label] += 1


@task("tests.retry_later", max_attempts=3)
def retry_later(*, seconds: int) -> None:
    if failures_left["n"] > 0:
        failures_left["n"] -= 1
        raise RetryLater("busy", delay=dt.timedelta(seconds=seconds))
    calls["later"] += 1


@pytest.fixture(autouse=True)
def fresh_counters():
    calls.clear()
    failures_left["n"] = 0


@pytest.mark.django_db
def test_task_of_a_rolled_back_transaction_never_exists():
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue(name="tests.record", kwargs={"label": "lost"})
        raise RuntimeError("the order failed")
    with transaction.atomic():
        task_enqueue(name="tests.record", kwargs={"label": "kept"})
    assert list(Task.objects.values_list("kwargs", flat=True)) == [{"label": "kept"}]
    assert tasks_drain() == 1
    assert calls == Counter({"kept": 1})
    assert Task.objects.get().status == TaskStatus.DONE


@pytest.mark.django_db
def test_failed_task_is_retried_with_backoff_then_succeeds():
    failures_left["n"] = 1
    task_enqueue(name="tests.record", kwargs={"label": "retry"})
    before = timezone.now()
    assert tasks_run_due(worker_id="w") == 1
    queued = Task.objects.get()
    assert queued.status == TaskStatus.QUEUED
    assert queued.attempts == 1
    assert "SMTP down" in queued.last_error
    assert queued.run_after >= before + dt.timedelta(seconds=20)
    # Not due yet: nothing runs
    assert tasks_run_due(worker_id="w") == 0
    assert tasks_run_due(worker_id="w", now=queued.run_after + dt.timedelta(seconds=1)) == 1
    assert Task.objects.get().status == TaskStatus.DONE
    assert calls["retry"] == 1


@pytest.mark.django_db
def test_a_task_asking_to_retry_later_runs_after_the_delay_it_names():
    failures_left["n"] = 1
    task_enqueue(name="tests.retry_later", kwargs={"seconds": 7200})
    before = timezone.now()
    assert tasks_run_due(worker_id="w") == 1
    queued = Task.objects.get()
    assert (queued.status, queued.attempts) == (TaskStatus.QUEUED, 1)
    # Two hours, not the 30 s backoff of a first failure.
    assert before + dt.timedelta(seconds=7200) <= queued.run_after
    assert queued.run_after <= timezone.now() + dt.timedelta(seconds=7200)
    assert tasks_run_due(worker_id="w", now=before + dt.timedelta(hours=1)) == 0
    assert tasks_run_due(worker_id="w", now=queued.run_after) == 1
    assert Task.objects.get().status == TaskStatus.DONE
    assert calls["later"] == 1


@pytest.mark.django_db
def test_task_gives_up_after_max_attempts():
    failures_left["n"] = 10
    task_enqueue(name="tests.record", kwargs={"label": "doomed"})
    later = timezone.now()
    for _attempt in range(3):
        later += dt.timedelta(hours=2)
        tasks_run_due(worker_id="w", now=later)
    failed = Task.objects.get()
    assert (failed.status, failed.attempts) == (TaskStatus.FAILED, 3)
    assert queue_health(now=later).failed == 1


@pytest.mark.django_db
def test_unknown_task_is_refused_at_enqueue():
    with pytest.raises(UnknownTaskError):
        task_enqueue(name="tests.nope")
    with pytest.raises(TypeError):
        task_enqueue(name="tests.record", kwargs={"label": object()})
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_task_of_a_dead_worker_is_claimed_again():
    task_enqueue(name="tests.record", kwargs={"label": "orphan"})
    Task.objects.update(
        status=TaskStatus.RUNNING, locked_by="dead", locked_at=timezone.now(), attempts=1
    )
    assert tasks_run_due(worker_id="w") == 0
    assert tasks_run_due(worker_id="w", now=timezone.now() + dt.timedelta(minutes=20)) == 1
    assert calls["orphan"] == 1


@pytest.mark.django_db
def test_queue_health_reports_the_lag_of_the_oldest_due_task():
    assert queue_health().as_dict() == {"due": 0, "failed": 0, "lag_seconds": 0, "healthy": True}
    task_enqueue(name="tests.record", kwargs={"label": "waiting"})
    health = queue_health(now=timezone.now() + dt.timedelta(minutes=10))
    assert health.due == 1
    assert health.lag_seconds >= 599
    assert not health.healthy


@pytest.mark.django_db
def test_run_tasks_once_drains_the_queue(capsys):
    for label in "abc":
        task_enqueue(name="tests.record", kwargs={"label": label})
    call_command("run_tasks", "--once")
    assert "3 task(s) run." in capsys.readouterr().out
    assert sorted(calls) == ["a", "b", "c"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_run_each_task_exactly_once():
    for index in range(40):
        task_enqueue(name="tests.record", kwargs={"label": f"t{index}"})
    run_in_threads(4, lambda i: tasks_drain(worker_id=f"worker-{i}"))
    assert len(calls) == 40
    assert set(calls.values()) == {1}
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}
