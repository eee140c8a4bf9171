"""The only place order rows are locked."""

from __future__ import annotations

from .models import Order


def lock_order(order_id: int) -> Order:
    """The order row ``FOR UPDATE`` (SQLite: the IMMEDIATE transaction holds the write lock)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("shop__territory")
        .get(pk=order_id)
    )
