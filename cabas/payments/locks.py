"""The only place payment rows are locked."""

from __future__ import annotations

from .models import CardRefund, Payment, PaymentTransfer


def lock_payment(payment_id: int) -> Payment:
    """The payment row ``FOR UPDATE`` (SQLite: the IMMEDIATE transaction holds the write lock).

    The browser return and the webhook both confirm through this lock, so the second
    one reads the first one's committed status. Must run inside ``transaction.atomic``.
    """
    return Payment.objects.select_for_update(of=("self",)).get(pk=payment_id)


def lock_transfer(transfer_id: int) -> PaymentTransfer:
    """The transfer row ``FOR UPDATE``: its sending and a refusal's reversal take turns."""
    return PaymentTransfer.objects.select_for_update(of=("self",)).get(pk=transfer_id)


def lock_refund(refund_id: int) -> CardRefund:
    """The card refund row ``FOR UPDATE``: the task and the webhook book it once."""
    return CardRefund.objects.select_for_update(of=("self",)).get(pk=refund_id)
