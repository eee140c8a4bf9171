"""Card checkout: orders held until paid, one confirmation, transfers per shop with the fee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cabas.backoffice.selectors import shop_order, shop_orders
from cabas.catalog.models import Offer
from cabas.fulfilment.models import SlotLoad
from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.orders.models import Checkout, Order, OrderStatus
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.payments.models import (
    Payment,
    PaymentStatus,
    PaymentTransfer,
    ShopPaymentAccount,
    TransferStatus,
)
from cabas.payments.services import payment_confirm
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain

from .helpers import card_checkout, session_id_from

pytestmark = pytest.mark.django_db


def connect(*shops):
    for i, shop in enumerate(shops):
        ShopPaymentAccount.objects.create(
            territory=shop.territory, shop=shop, stripe_account_id=f"acct_shop{i}x{shop.pk}"
        )


def test_card_is_offered_only_when_the_environment_configures_it(client, bread, settings):
    settings.PAYMENT_PROVIDER = ""
    client.post("/panier/ajouter/", {"offer_id": bread.pk, "quantity": 1})
    assert 'value="card"' not in client.get("/commandes/valider/").content.decode()
    response = Client().post(
        "/api/v1/checkout",
        {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}], "payment_method": "card"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "payment_method_invalid"
    assert Checkout.objects.count() == 0 and Payment.objects.count() == 0


def test_card_checkout_holds_orders_until_paid_then_pays_each_shop_less_commission(
    client, stripe_on, bread, novel, territory
):
    territory.commission_bp = 500
    territory.save()
    connect(bread.shop, novel.shop)
    # When the shopper confirms a two-shop cart with card payment
    response = card_checkout(client, bread, novel)
    # Then the checkout is placed (stock taken), and the browser goes to the provider
    assert response.status_code == 302
    session_id = session_id_from(response["Location"], stripe_on)
    checkout = Checkout.objects.get()
    payment = Payment.objects.get()
    assert (checkout.payment_method, checkout.payment_status) == ("card", "pending")
    assert payment.amount_cents == checkout.total_cents == 2 * 320 + 2 * 890
    assert payment.provider_reference == session_id
    session = stripe_on.sessions[session_id]
    assert session["amount_total"] == checkout.total_cents
    assert session["_transfer_group"] == f"checkout:{checkout.pk}"
    assert Offer.objects.get(pk=bread.pk).stock == 18
    orders = list(Order.objects.order_by("pk"))
    assert {o.status for o in orders} == {OrderStatus.AWAITING_PAYMENT}
    assert {o.payment_method for o in orders} == {"card"}
    # … hidden from the shops and not notified yet
    assert not shop_orders(bread.shop).exists()
    assert shop_order(bread.shop, orders[0].pk) is None
    assert not Task.objects.filter(name="notifications.order_email").exists()
    assert not LedgerTransaction.objects.filter(kind="card_payment").exists()
    # When the shopper pays and comes back
    stripe_on.complete(session_id)
    back = client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    assert back.status_code == 302
    assert back["Location"] == f"/commandes/suivi/{checkout.access_token}/"
    # Then the payment is paid, the orders are the shops' and they are told
    payment.refresh_from_db()
    checkout.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and checkout.payment_status == "paid"
    assert {o.status for o in Order.objects.all()} == {OrderStatus.PLACED}
    assert shop_orders(bread.shop).count() == 1
    assert Task.objects.filter(name="notifications.order_email").count() == 4
    # The card money is booked: external → each shop's share less commission + commission
    posting = LedgerTransaction.objects.get(kind="card_payment")
    legs = dict(posting.entries.values_list("account__kind", "amount_cents").order_by())
    amounts = list(posting.entries.values_list("amount_cents", flat=True))
    assert sum(amounts) == 0
    commissions = sum(o.commission_cents for o in orders)
    assert commissions == (640 * 500 + 5000) // 10000 + (1780 * 500 + 5000) // 10000
    assert legs[AccountKind.PLATFORM_COMMISSION] == commissions
    assert legs[AccountKind.EXTERNAL] == -checkout.total_cents
    # When the worker runs: one transfer per shop order, total − commission, to its account
    tasks_drain()
    transfers = list(PaymentTransfer.objects.order_by("order_id"))
    assert [t.status for t in transfers] == [TransferStatus.SENT] * 2
    sent = {t["destination"]: t for t in stripe_on.transfers.values()}
    assert len(sent) == 2
    for order in orders:
        row = PaymentTransfer.objects.get(order=order)
        assert row.amount_cents == order.total_cents - order.commission_cents
        assert row.application_fee_cents == order.commission_cents
        remote = sent[row.connected_account_id]
        assert remote["amount"] == row.amount_cents
        assert remote["transfer_group"] == f"checkout:{checkout.pk}"
        assert remote["source_transaction"].startswith("ch_")
        assert row.provider_transfer_id == remote["id"]
    # The shops' receivables are paid out, the platform keeps the commission
    receivables = Account.objects.filter(kind=AccountKind.MERCHANT_RECEIVABLE)
    assert set(receivables.values_list("balance_cents", flat=True)) == {0}
    assert sum(Entry.objects.values_list("amount_cents", flat=True)) == 0
    # And the emails go out once paid
    assert len(mail.outbox) == 4


def test_second_confirmation_and_replayed_transfer_task_change_nothing(
    client, stripe_on, bread, territory
):
    connect(bread.shop)
    response = card_checkout(client, bread)
    session_id = session_id_from(response["Location"], stripe_on)
    payment = Payment.objects.get()
    intent = stripe_on.complete(session_id)["payment_intent"]
    payment_confirm(payment_id=payment.pk, provider_payment_id=intent, source="return")
    payment_confirm(payment_id=payment.pk, provider_payment_id=intent, source="webhook")
    assert LedgerTransaction.objects.filter(kind="card_payment").count() == 1
    assert PaymentTransfer.objects.count() == 1
    assert payment.events.filter(to_status="paid").count() == 1
    tasks_drain()
    from cabas.payments.services import transfer_send

    transfer_send(transfer_id=PaymentTransfer.objects.get().pk)
    assert len(stripe_on.transfers) == 1
    assert LedgerTransaction.objects.filter(kind="card_transfer").count() == 1


def test_shop_without_connected_account_keeps_its_receivable(client, stripe_on, bread, territory):
    response = card_checkout(client, bread)
    stripe_on.complete(session_id_from(response["Location"], stripe_on))
    payment = Payment.objects.get()
    client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    tasks_drain()
    transfer = PaymentTransfer.objects.get()
    assert (transfer.status, transfer.last_error) == (TransferStatus.FAILED, "no_connected_account")
    assert stripe_on.transfers == {}
    receivable = Account.objects.get(kind=AccountKind.MERCHANT_RECEIVABLE)
    assert receivable.balance_cents == transfer.amount_cents


def test_return_before_payment_keeps_orders_waiting(client, stripe_on, bread, territory):
    card_checkout(client, bread)
    payment = Payment.objects.get()
    back = client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    assert back.status_code == 302
    assert back["Location"] == f"/{territory.slug}/paiement/{payment.access_token}/"
    page = client.get(back["Location"]).content.decode()
    assert "Payer par carte" in page
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT


def test_unpaid_checkout_expires_after_30_minutes_and_gives_back_stock_and_slot(
    client, stripe_on, bread, territory
):
    response = card_checkout(client, bread, quantity=3)
    session_id = session_id_from(response["Location"], stripe_on)
    order = Order.objects.get()
    assert Offer.objects.get(pk=bread.pk).stock == 17
    load = SlotLoad.objects.get(target=order.slot_target, starts_at=order.slot_start)
    assert load.booked == 1
    # Not yet due at 29 minutes
    tasks_drain(now=timezone.now() + dt.timedelta(minutes=29))
    assert Payment.objects.get().status == PaymentStatus.PENDING
    # When the timeout task runs after 30 minutes
    tasks_drain(now=timezone.now() + dt.timedelta(minutes=31))
    # Then the payment failed, the order expired, the stock and the slot came back
    assert Payment.objects.get().status == PaymentStatus.FAILED
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_EXPIRED
    assert Checkout.objects.get().payment_status == "failed"
    assert Offer.objects.get(pk=bread.pk).stock == 20
    load.refresh_from_db()
    assert load.booked == 0
    assert stripe_on.sessions[session_id]["status"] == "expired"
    assert not LedgerTransaction.objects.exists()
    assert not Task.objects.filter(name="notifications.order_email").exists()
    page = client.get(f"/commandes/suivi/{order.checkout.access_token}/").content.decode()
    assert "Commande non payée" in page


def test_payment_made_at_the_last_moment_is_confirmed_by_the_expiry_task(client, stripe_on, bread):
    response = card_checkout(client, bread)
    stripe_on.complete(session_id_from(response["Location"], stripe_on))
    tasks_drain(now=timezone.now() + dt.timedelta(minutes=31))
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Order.objects.get().status == OrderStatus.PLACED
    assert Offer.objects.get(pk=bread.pk).stock == 18


def test_money_arriving_after_expiry_is_refunded_not_booked(client, stripe_on, bread):
    response = card_checkout(client, bread)
    session_id = session_id_from(response["Location"], stripe_on)
    payment = Payment.objects.get()
    # The session was closed at the provider but the money came anyway (late capture)
    tasks_drain(now=timezone.now() + dt.timedelta(minutes=31))
    stripe_on.sessions[session_id]["status"] = "open"
    session = stripe_on.complete(session_id)
    payment_confirm(
        payment_id=payment.pk, provider_payment_id=session["payment_intent"], source="webhook"
    )
    tasks_drain()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.paid_late
    assert [r["payment_intent"] for r in stripe_on.refunds.values()] == [session["payment_intent"]]
    assert Order.objects.get().status == OrderStatus.PAYMENT_EXPIRED
    assert not LedgerTransaction.objects.exists()
