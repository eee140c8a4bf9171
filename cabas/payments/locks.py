"""The only place payment rows are locked."""

from __future__ import annotations

from .models import Payment


def lock_payment(payment_id: int) -> Payment:
    """The payment row ``FOR UPDATE`` (SQLite: the IMMEDIATE transaction holds the write lock).

    The browser return and the webhook both confirm through this lock, so the second
    one reads the first one's committed status. Must run inside ``transaction.atomic``.
    """
    return Payment.objects.select_for_update(of=("self",)).get(pk=payment_id)
