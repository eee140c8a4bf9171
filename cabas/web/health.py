from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from cabas.tasks.selectors import queue_health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task queue answer (and the queue keeps up); else 503."""
    checks: dict[str, str] = {}
    details: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is what monitoring reads
        checks["database"] = f"error: {exc.__class__.__name__}"
    if checks["database"] == "ok":
        try:
            queue = queue_health()
            checks["task_queue"] = "ok" if queue.healthy else "lagging"
            details["task_queue"] = queue.as_dict()
        except Exception as exc:
            checks["task_queue"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "details": details},
        status=200 if healthy else 503,
    )
