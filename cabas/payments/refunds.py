"""Refunding the card share of one refused or cancelled order of a card checkout.

One card charge pays every shop order of a checkout; when one shop refuses (or an
order is cancelled) only that order's card share goes back, and the other shops keep
theirs. Invariants kept here:
- one refund per order (``CardRefund.order`` is unique), opened in the refusal's
  transaction on the locked order; the provider is called by a task, after commit;
- exactly the order's card share is refunded (``transfer.amount + application fee``),
  under an idempotency key per order: a replayed task refunds nothing more;
- the shop's transfer never leaves after the refusal (cancelled on the locked transfer
  row); one that had left is reversed first (Stripe transfer reversal), so the shop's
  receivable holds its part again before the refund is booked;
- the refund is booked once, whichever of the task and the ``charge.refunded`` webhook
  comes first (locked refund row, idempotent ledger key): receivable − transfer share,
  platform commission − fee, external payments + card share (sums to zero).
No network call runs inside a database transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.services import account_open, ledger_post
from cabas.orders.models import Order, PaymentMethod
from cabas.tasks.services import task_enqueue
from cabas.territories.models import Territory
from cabas.vouchers.services import EXTERNAL_PAYMENTS

from .errors import PaymentError
from .locks import lock_refund, lock_transfer
from .models import (
    CardRefund,
    Payment,
    PaymentStatus,
    PaymentTransfer,
    RefundStatus,
    TransferStatus,
)
from .registry import gateway

CARD_REFUND_TASK = "payments.card_refund"
EXTERNAL_PAYOUTS = "payouts"
# Transfers that have not left: cancelled by a refusal, their money still in the receivable.
NOT_SENT = frozenset({TransferStatus.PENDING, TransferStatus.FAILED})


def card_refund_open(*, order: Order) -> CardRefund | None:
    """Open the refund of ``order``'s card share; in the refusal's transaction, order locked.

    Nothing for an order not paid by card, or whose card share was nil (vouchers paid it
    all). Idempotent: a second call returns the refund already opened.
    """
    if order.payment_method != PaymentMethod.CARD:
        return None
    transfer = (
        PaymentTransfer.objects.select_for_update(of=("self",))
        .filter(order_id=order.pk)
        .select_related("payment")
        .first()
    )
    if transfer is None or transfer.payment.status != PaymentStatus.PAID:
        return None
    existing = CardRefund.objects.filter(order_id=order.pk).first()
    if existing is not None:
        return existing
    if transfer.status in NOT_SENT:
        # The money never leaves for the shop: the worker finds it cancelled.
        transfer.status = TransferStatus.CANCELLED
        transfer.save(update_fields=["status", "updated_at"])
    refund = CardRefund.objects.create(
        territory_id=order.territory_id,
        payment=transfer.payment,
        order=order,
        transfer=transfer,
        amount_cents=transfer.amount_cents + transfer.application_fee_cents,
    )
    task_enqueue(
        name=CARD_REFUND_TASK, kwargs={"refund_id": refund.pk}, territory_id=order.territory_id
    )
    return refund


def _receivable(territory: Territory, shop_id: int) -> Account:
    return account_open(
        territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop_id}"
    )


def _reverse_transfer_if_sent(refund: CardRefund) -> None:
    """Take the transfer back from the shop when it had left; booked once."""
    with transaction.atomic():
        transfer = lock_transfer(refund.transfer_id)
        if transfer.status == TransferStatus.SENDING:
            # The worker is sending it right now: retry once it is recorded.
            raise PaymentError(
                "transfer_in_flight", "The transfer is being sent; the refund waits for it."
            )
        if transfer.status != TransferStatus.SENT:
            return
    found = gateway()
    if found is None:
        raise PaymentError("online_payment_unavailable", "No payment provider is configured.")
    assert transfer.provider_transfer_id
    reversal_id = found.reverse_transfer(
        transfer_id=transfer.provider_transfer_id,
        amount_cents=transfer.amount_cents,
        idempotency_key=f"cabas-transfer-reversal-{transfer.pk}",
        metadata={"order_id": str(transfer.order_id), "refund_id": str(refund.pk)},
    )
    with transaction.atomic():
        transfer = lock_transfer(refund.transfer_id)
        if transfer.status != TransferStatus.SENT:
            return
        transfer.status = TransferStatus.REVERSED
        transfer.provider_reversal_id = reversal_id
        transfer.reversed_at = timezone.now()
        transfer.save(update_fields=["status", "provider_reversal_id", "reversed_at", "updated_at"])
        territory = Territory.objects.get(pk=transfer.territory_id)
        ledger_post(
            territory=territory,
            kind="card_transfer_reversal",
            entries=[
                (
                    account_open(
                        territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_PAYOUTS
                    ),
                    -transfer.amount_cents,
                ),
                (_receivable(territory, transfer.shop_id), transfer.amount_cents),
            ],
            reference=f"transfer:{transfer.pk}",
            idempotency_key=f"transfer:{transfer.pk}:reversed",
        )


def card_refund_book(*, refund_id: int, provider_refund_id: str) -> CardRefund:
    """Record the refund as done and book it, once (the task and the webhook both call this).

    Ledger: the shop's receivable gives back its part (card share less fee), the platform
    its fee, and the card share leaves through the external payments account.
    """
    with transaction.atomic():
        refund = lock_refund(refund_id)
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        transfer = PaymentTransfer.objects.get(pk=refund.transfer_id)
        territory = Territory.objects.get(pk=refund.territory_id)
        entries: list[tuple[Account, int]] = [
            (
                account_open(
                    territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_PAYMENTS
                ),
                refund.amount_cents,
            )
        ]
        if transfer.amount_cents:
            entries.append((_receivable(territory, transfer.shop_id), -transfer.amount_cents))
        if transfer.application_fee_cents:
            entries.append(
                (
                    account_open(territory=territory, kind=AccountKind.PLATFORM_COMMISSION),
                    -transfer.application_fee_cents,
                )
            )
        posting: LedgerTransaction = ledger_post(
            territory=territory,
            kind="card_refund",
            entries=entries,
            reference=f"order:{refund.order_id}",
            idempotency_key=f"card_refund:{refund.pk}",
        )
        refund.status = RefundStatus.SUCCEEDED
        refund.provider_refund_id = provider_refund_id[:255] or None
        refund.ledger_transaction = posting
        refund.refunded_at = timezone.now()
        refund.last_error = ""
        refund.save(
            update_fields=[
                "status",
                "provider_refund_id",
                "ledger_transaction",
                "refunded_at",
                "last_error",
            ]
        )
    return refund


def card_refund_send(*, refund_id: int) -> CardRefund:
    """The task: reverse the transfer if it had left, refund the card share, book it."""
    refund = CardRefund.objects.select_related("payment").get(pk=refund_id)
    if refund.status == RefundStatus.SUCCEEDED:
        return refund
    _reverse_transfer_if_sent(refund)
    found = gateway()
    if found is None:
        raise PaymentError("online_payment_unavailable", "No payment provider is configured.")
    provider_refund_id = found.refund(
        payment_id=refund.payment.provider_payment_id,
        amount_cents=refund.amount_cents,
        idempotency_key=f"cabas-refund-order-{refund.order_id}",
        metadata={"refund_id": str(refund.pk), "order_id": str(refund.order_id)},
    )
    return card_refund_book(refund_id=refund.pk, provider_refund_id=provider_refund_id)


def _refund_rows(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if obj.get("object") == "refund":
        return [obj]
    listed = obj.get("refunds")
    data = listed.get("data") if isinstance(listed, dict) else None
    return [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []


def payment_for_refund_event(obj: dict[str, Any]) -> Payment | None:
    """The payment a ``charge`` or ``refund`` object is about (by its PaymentIntent)."""
    intent = obj.get("payment_intent")
    if not isinstance(intent, str) or not intent:
        return None
    return Payment.objects.filter(provider_payment_id=intent).first()


def refund_event_apply(*, payment: Payment, obj: dict[str, Any]) -> bool:
    """``charge.refunded`` / ``refund.*``: book each succeeded refund of ours not booked yet.

    Matched by the refund id, else by our ``refund_id`` metadata, within this payment;
    a refund made elsewhere (the provider's dashboard) changes nothing. True when one
    of ours was recognised.
    """
    matched = False
    for row in _refund_rows(obj):
        provider_id = row.get("id") if isinstance(row.get("id"), str) else ""
        metadata = row.get("metadata") if isinstance(row.get("metadata"), dict) else {}
        ours = CardRefund.objects.filter(payment=payment)
        found = ours.filter(provider_refund_id=provider_id).first() if provider_id else None
        local_id = metadata.get("refund_id") if isinstance(metadata, dict) else None
        if found is None and isinstance(local_id, str) and local_id.isdigit():
            found = ours.filter(pk=int(local_id)).first()
        if found is None:
            continue
        matched = True
        if row.get("status") == "succeeded" and found.status != RefundStatus.SUCCEEDED:
            card_refund_book(refund_id=found.pk, provider_refund_id=provider_id or "")
    return matched
