"""Queue the emails of an order step. Call inside the transaction that made the step:
the tasks commit with it, and the worker sends them after (DESIGN 8)."""

from __future__ import annotations

from collections.abc import Iterable

from cabas.tasks.services import tasks_enqueue_many

from .messages import recipients_for

ORDER_EMAIL_TASK = "notifications.order_email"


def notify_order_step(*, orders: Iterable[tuple[int, int]], event: str) -> None:
    """``orders`` are ``(order_id, territory_id)``; one task per email, so a retry resends one."""
    calls = [
        (ORDER_EMAIL_TASK, {"order_id": order_id, "event": event, "recipient": who}, territory_id)
        for order_id, territory_id in orders
        for who in recipients_for(event)
    ]
    if calls:
        tasks_enqueue_many(calls=calls)
