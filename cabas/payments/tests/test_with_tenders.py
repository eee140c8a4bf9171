"""A gift card pays part of the checkout, the card pays the rest (through the API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cabas.ledger.models import Entry, LedgerTransaction
from cabas.orders.models import Order, OrderStatus
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.payments.models import Payment, PaymentTransfer, ShopPaymentAccount
from cabas.tasks.services import tasks_drain
from cabas.vouchers.models import GiftCard
from cabas.vouchers.services import gift_card_issue

from .helpers import post_webhook, session_id_from

pytestmark = pytest.mark.django_db


def place(bread, card: GiftCard):
    bread.shop.accepts_vouchers = True
    bread.shop.save(update_fields=["accepts_vouchers"])
    return Client().post(
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


def test_card_is_asked_only_for_the_rest_and_the_shop_gets_that_rest_less_the_commission(
    stripe_on, bread, territory
):
    territory.commission_bp = 1000
    territory.save()
    ShopPaymentAccount.objects.create(
        territory=territory, shop=bread.shop, stripe_account_id="acct_bakery1"
    )
    card = gift_card_issue(territory=territory, amount_cents=500, buyer_email="a@example.org")
    response = place(bread, card)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["due_cents"], body["payment_status"]) == (140, "pending")
    payment = Payment.objects.get()
    assert payment.amount_cents == 140
    to_provider = Client().post(f"/{territory.slug}/paiement/{payment.access_token}/")
    session_id = session_id_from(to_provider["Location"], stripe_on)
    assert stripe_on.sessions[session_id]["amount_total"] == 140
    stripe_on.complete(session_id)
    post_webhook(stripe_on.event("checkout.session.completed", session_id))
    tasks_drain()
    order = Order.objects.get()
    assert order.status == OrderStatus.PLACED
    transfer = PaymentTransfer.objects.get()
    # The commission is on the order's total (64), withheld whole from the card share
    assert order.commission_cents == 64
    assert (transfer.amount_cents, transfer.application_fee_cents) == (140 - 64, 64)
    assert [t["amount"] for t in stripe_on.transfers.values()] == [140 - 64]
    posting = LedgerTransaction.objects.get(kind="card_payment")
    assert sum(posting.entries.values_list("amount_cents", flat=True)) == 0
    assert sum(Entry.objects.values_list("amount_cents", flat=True)) == 0


def test_expired_card_payment_gives_the_gift_card_its_money_back(stripe_on, bread, territory):
    card = gift_card_issue(territory=territory, amount_cents=500, buyer_email="a@example.org")
    assert place(bread, card).status_code == 201
    card.account.refresh_from_db()
    assert card.account.balance_cents == 0
    tasks_drain(now=timezone.now() + dt.timedelta(minutes=31))
    assert Order.objects.get().status == OrderStatus.PAYMENT_EXPIRED
    card.account.refresh_from_db()
    assert card.account.balance_cents == 500


def test_commission_above_the_card_share_is_withheld_up_to_it_and_the_rest_stays_owed(
    stripe_on, bread, territory
):
    # Given a 25 % commission (160 on 640) and a card share of 140 after a 5 € gift card
    territory.commission_bp = 2500
    territory.save()
    ShopPaymentAccount.objects.create(
        territory=territory, shop=bread.shop, stripe_account_id="acct_bakery1"
    )
    card = gift_card_issue(territory=territory, amount_cents=500, buyer_email="a@example.org")
    assert place(bread, card).status_code == 201
    payment = Payment.objects.get()
    to_provider = Client().post(f"/{territory.slug}/paiement/{payment.access_token}/")
    session_id = session_id_from(to_provider["Location"], stripe_on)
    stripe_on.complete(session_id)
    post_webhook(stripe_on.event("checkout.session.completed", session_id))
    tasks_drain()
    # Then the whole card share is the fee, nothing is sent, and 20 stays owed by the shop
    order = Order.objects.get()
    transfer = PaymentTransfer.objects.get()
    assert order.commission_cents == 160
    assert (transfer.amount_cents, transfer.application_fee_cents) == (0, 140)
    assert transfer.status == "nothing_due"
    assert stripe_on.transfers == {}
    from cabas.settlements.selectors import commission_due_cents

    assert commission_due_cents([order]) == 20
