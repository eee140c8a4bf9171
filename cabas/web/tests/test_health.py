import datetime as dt

import pytest
from django.utils import timezone

from cabas.tasks.models import Task


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_queue_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "task_queue": "ok"}
    assert body["details"]["task_queue"]["due"] == 0


@pytest.mark.django_db
def test_healthz_is_503_when_due_tasks_wait_too_long(client):
    # Given an email due for ten minutes that no worker picked up
    Task.objects.create(
        name="notifications.send_email", run_after=timezone.now() - dt.timedelta(minutes=10)
    )
    # When monitoring asks
    response = client.get("/healthz")
    # Then the lag is reported as a failure
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["task_queue"] == "lagging"
    assert body["details"]["task_queue"]["lag_seconds"] >= 600


@pytest.mark.django_db
def test_healthz_ignores_tasks_scheduled_for_later(client):
    Task.objects.create(
        name="notifications.send_email", run_after=timezone.now() + dt.timedelta(hours=1)
    )
    assert client.get("/healthz").status_code == 200
