"""A shop refuses or cancels one order of a multi-shop card checkout: that order's card
share (and its vouchers) go back, once, whatever is replayed or races."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.errors import TransitionError
from cabas.orders.models import Order, OrderStatus
from cabas.orders.services import order_transition
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.orders.transitions import Role
from cabas.payments.models import (
    CardRefund,
    Payment,
    PaymentStatus,
    PaymentTransfer,
    RefundStatus,
    ShopPaymentAccount,
    TransferStatus,
)
from cabas.payments.refunds import card_refund_open, card_refund_send
from cabas.payments.registry import gateway
from cabas.payments.services import payment_confirm, transfer_send
from cabas.tasks.services import tasks_drain
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.services import gift_card_issue

from .helpers import card_checkout, post_webhook, session_id_from


def connect(*shops):
    for shop in shops:
        ShopPaymentAccount.objects.create(
            territory=shop.territory, shop=shop, stripe_account_id=f"acct_shop{shop.pk}"
        )


def paid_two_shop_checkout(client, fake, bread, novel, territory):
    """Bread (2 × 3,20) and a novel (2 × 8,90) paid by one card charge, 10 % commission."""
    territory.commission_bp = 1000
    territory.save()
    connect(bread.shop, novel.shop)
    response = card_checkout(client, bread, novel)
    session_id = session_id_from(response["Location"], fake)
    fake.complete(session_id)
    payment = Payment.objects.get()
    client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    orders = {o.shop_id: o for o in Order.objects.all()}
    return payment, orders[bread.shop_id], orders[novel.shop_id]


def receivable(shop) -> int:
    account = Account.objects.filter(
        kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
    ).first()
    return account.balance_cents if account else 0


def commission_balance() -> int:
    return Account.objects.get(kind=AccountKind.PLATFORM_COMMISSION).balance_cents


def refuse(order):
    return order_transition(
        order_id=order.pk, to_status=OrderStatus.REFUSED, role=Role.SHOP, shop_id=order.shop_id
    )


@pytest.mark.django_db
def test_refusal_before_the_transfer_refunds_that_orders_card_share_only(
    client, stripe_on, bread, novel, territory
):
    payment, bread_order, novel_order = paid_two_shop_checkout(
        client, stripe_on, bread, novel, territory
    )
    assert payment.amount_cents == 640 + 1780
    # When the bakery refuses before the worker sends anything
    refuse(bread_order)
    tasks_drain()
    # Then exactly the bakery's card share is refunded, its transfer never leaves
    refund = CardRefund.objects.get()
    assert (refund.order_id, refund.amount_cents, refund.status) == (
        bread_order.pk,
        640,
        RefundStatus.SUCCEEDED,
    )
    assert [(r["amount"], r["payment_intent"]) for r in stripe_on.refunds.values()] == [
        (640, payment.provider_payment_id)
    ]
    assert PaymentTransfer.objects.get(order=bread_order).status == TransferStatus.CANCELLED
    assert PaymentTransfer.objects.get(order=novel_order).status == TransferStatus.SENT
    assert [t["amount"] for t in stripe_on.transfers.values()] == [1780 - 178]
    # The ledger: the bakery holds nothing, the platform keeps the bookshop's fee only
    assert receivable(bread.shop) == 0 and receivable(novel.shop) == 0
    assert commission_balance() == 178
    posting = LedgerTransaction.objects.get(kind="card_refund")
    assert sum(posting.entries.values_list("amount_cents", flat=True)) == 0
    assert posting.reference == f"order:{bread_order.pk}"
    assert ledger_reconcile().ok
    # The shopper sees it refunded and is told the amount
    page = client.get(f"/commandes/suivi/{bread_order.checkout.access_token}/").content.decode()
    assert "Remboursé sur votre carte bancaire" in page and "6,40" in page
    refusal = [m for m in mail.outbox if "ne peut pas honorer" in m.subject]
    assert len(refusal) == 1
    assert "Remboursé sur votre carte bancaire : 6,40" in refusal[0].body


@pytest.mark.django_db
def test_cancellation_after_the_transfer_reverses_it_then_refunds(
    client, stripe_on, bread, novel, territory
):
    _payment, _bread_order, novel_order = paid_two_shop_checkout(
        client, stripe_on, bread, novel, territory
    )
    tasks_drain()  # both transfers leave
    sent = PaymentTransfer.objects.get(order=novel_order)
    assert sent.status == TransferStatus.SENT
    # When the bookshop cancels its (accepted) order
    for status in (OrderStatus.ACCEPTED, OrderStatus.CANCELLED_BY_SHOP):
        order_transition(
            order_id=novel_order.pk, to_status=status, role=Role.SHOP, shop_id=novel.shop_id
        )
    tasks_drain()
    # Then the transfer is taken back from the bookshop, then the card share refunded
    sent.refresh_from_db()
    assert sent.status == TransferStatus.REVERSED
    assert [(r["transfer"], r["amount"]) for r in stripe_on.reversals.values()] == [
        (sent.provider_transfer_id, 1602)
    ]
    assert [r["amount"] for r in stripe_on.refunds.values()] == [1780]
    kinds = list(
        LedgerTransaction.objects.filter(
            reference__in=[f"transfer:{sent.pk}", f"order:{novel_order.pk}"]
        )
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["card_transfer", "card_transfer_reversal", "card_refund"]
    assert receivable(novel.shop) == 0 and receivable(bread.shop) == 0
    assert commission_balance() == 64
    payouts = Account.objects.get(kind=AccountKind.EXTERNAL, owner_ref="payouts")
    assert payouts.balance_cents == 640 - 64  # only the bakery's transfer stays out
    assert ledger_reconcile().ok


@pytest.mark.django_db
def test_replayed_task_and_charge_refunded_webhook_change_nothing(
    client, stripe_on, bread, novel, territory
):
    payment, bread_order, _novel = paid_two_shop_checkout(
        client, stripe_on, bread, novel, territory
    )
    refuse(bread_order)
    tasks_drain()
    refund = CardRefund.objects.get()
    # When the task runs again and the provider's webhook arrives (twice)
    card_refund_send(refund_id=refund.pk)
    with pytest.raises(TransitionError, match="illegal_transition"):
        refuse(bread_order)
    assert card_refund_open(order=Order.objects.get(pk=bread_order.pk)) == refund
    event = stripe_on.charge_refunded_event(payment.provider_payment_id)
    first = post_webhook(event)
    again = post_webhook(event)
    # Then one refund at the provider, one booking
    assert first.json()["result"] == "processed"
    assert again.json()["result"] == "replayed"
    assert len(stripe_on.refunds) == 1
    assert CardRefund.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="card_refund").count() == 1
    assert ledger_reconcile().ok


@pytest.mark.django_db
def test_webhook_arriving_before_the_task_books_the_refund_once(
    client, stripe_on, bread, novel, territory
):
    payment, bread_order, _novel = paid_two_shop_checkout(
        client, stripe_on, bread, novel, territory
    )
    refuse(bread_order)
    refund = CardRefund.objects.get()
    # The provider refunded (the worker died before writing it down) and says so
    gateway().refund(
        payment_id=payment.provider_payment_id,
        amount_cents=refund.amount_cents,
        idempotency_key=f"cabas-refund-order-{bread_order.pk}",
        metadata={"refund_id": str(refund.pk), "order_id": str(bread_order.pk)},
    )
    result = post_webhook(stripe_on.charge_refunded_event(payment.provider_payment_id))
    assert result.json()["result"] == "processed"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.provider_refund_id == next(iter(stripe_on.refunds))
    # When the retried task runs: same idempotency key, same refund, nothing booked again
    tasks_drain()
    assert len(stripe_on.refunds) == 1
    assert LedgerTransaction.objects.filter(kind="card_refund").count() == 1
    assert receivable(bread.shop) == 0


@pytest.mark.django_db
def test_voucher_and_card_order_refused_gives_back_both_once(stripe_on, bread, territory):
    territory.commission_bp = 1000
    territory.save()
    connect(bread.shop)
    bread.shop.accepts_vouchers = True
    bread.shop.save(update_fields=["accepts_vouchers"])
    card = gift_card_issue(territory=territory, amount_cents=500, buyer_email="a@example.org")
    response = Client().post(
        "/api/v1/checkout",
        {
            **GUEST,
            "lines": [{"offer_id": bread.pk, "quantity": 2}],
            "payment_method": "card",
            "tenders": [{"code": card.code, "amount_cents": 500}],
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert response.status_code == 201, response.content
    payment = Payment.objects.get()
    assert payment.amount_cents == 140
    session = stripe_on.complete(
        session_id_from(
            Client().post(f"/{territory.slug}/paiement/{payment.access_token}/")["Location"],
            stripe_on,
        )
    )
    payment_confirm(
        payment_id=payment.pk, provider_payment_id=session["payment_intent"], source="webhook"
    )
    order = Order.objects.get()
    # Commission (64) on the order total, withheld from the card share (140)
    transfer = PaymentTransfer.objects.get()
    assert (transfer.application_fee_cents, transfer.amount_cents) == (64, 76)
    # When the shop refuses
    refuse(order)
    tasks_drain()
    card.account.refresh_from_db()
    assert card.account.balance_cents == 500  # the gift card has its 5 € back
    assert [r["amount"] for r in stripe_on.refunds.values()] == [140]  # the card its 1,40 €
    assert receivable(bread.shop) == 0 and commission_balance() == 0
    # Replays of both refunds change nothing
    from cabas.orders.tenders import tenders_refund

    assert tenders_refund(order=order) == []
    card_refund_send(refund_id=CardRefund.objects.get().pk)
    payment.refresh_from_db()
    assert post_webhook(stripe_on.charge_refunded_event(payment.provider_payment_id)).json() == {
        "received": True,
        "result": "processed",
    }
    assert len(stripe_on.refunds) == 1
    assert LedgerTransaction.objects.filter(kind="voucher_refund").count() == 1
    assert LedgerTransaction.objects.filter(kind="card_refund").count() == 1
    assert sum(Entry.objects.values_list("amount_cents", flat=True)) == 0
    assert ledger_reconcile().ok


@pytest.mark.django_db
def test_refusal_while_the_transfer_is_being_sent_waits_then_reverses(
    client, stripe_on, bread, novel, territory
):
    _payment, bread_order, _novel = paid_two_shop_checkout(
        client, stripe_on, bread, novel, territory
    )
    transfer = PaymentTransfer.objects.get(order=bread_order)
    # The worker has claimed the transfer (sending) when the refusal comes in
    PaymentTransfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.SENDING)
    refuse(bread_order)
    refund = CardRefund.objects.get()
    with pytest.raises(Exception, match="transfer_in_flight"):
        card_refund_send(refund_id=refund.pk)
    assert stripe_on.refunds == {}
    # The transfer task finishes, then the retried refund reverses it and refunds
    transfer_send(transfer_id=transfer.pk)
    card_refund_send(refund_id=refund.pk)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REVERSED
    assert [r["amount"] for r in stripe_on.refunds.values()] == [640]
    assert receivable(bread.shop) == 0
    assert ledger_reconcile().ok


@pytest.mark.django_db(transaction=True)
def test_refusal_racing_the_payment_webhook_refunds_once_or_not_at_all(
    stripe_on, bread, novel, territory
):
    # Given a paid session whose webhook and the bakery's refusal arrive together
    client = Client()
    territory.commission_bp = 1000
    territory.save()
    connect(bread.shop, novel.shop)
    response = card_checkout(client, bread, novel)
    session_id = session_id_from(response["Location"], stripe_on)
    stripe_on.complete(session_id)
    bread_order = Order.objects.get(shop=bread.shop)
    events = [stripe_on.event("checkout.session.completed", session_id) for _i in range(2)]

    def work(i: int):
        if i == 0:
            try:
                return refuse(bread_order).status
            except Exception as error:  # the order may not be the shop's yet
                return getattr(error, "code", repr(error))
        return post_webhook(events[i - 1]).json()["result"]

    results = run_in_threads(3, work)
    tasks_drain()
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results[0] in {OrderStatus.REFUSED, "illegal_transition"}, results
    # Then one payment, and the bakery's share refunded exactly when it was refused
    assert LedgerTransaction.objects.filter(kind="card_payment").count() == 1
    bread_order.refresh_from_db()
    refunded = bread_order.status == OrderStatus.REFUSED
    assert CardRefund.objects.count() == (1 if refunded else 0)
    assert [r["amount"] for r in stripe_on.refunds.values()] == ([640] if refunded else [])
    assert receivable(bread.shop) == 0 and receivable(novel.shop) == 0
    assert ledger_reconcile().ok
