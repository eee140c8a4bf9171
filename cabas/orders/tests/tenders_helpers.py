"""Shared set-up for the tender tests: cards, programmes, a checkout through the API."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.orders.models import Checkout, Order, Tender
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.vouchers.services import gift_card_issue, voucher_programme_create


def ledger_snapshot() -> tuple:
    """Everything a refused checkout must leave untouched."""
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
        Checkout.objects.count(),
        Order.objects.count(),
        Tender.objects.count(),
    )


def gift_card(territory, cents=1000, shop=None, now=None):
    return gift_card_issue(
        territory=territory,
        amount_cents=cents,
        shop=shop,
        buyer_email="cadeau@example.org",
        now=now,
    )


def programme(territory, **overrides):
    now = timezone.now()
    params = {
        "territory": territory,
        "name": "+50 % offerts par la ville",
        "match_rate_bp": 5000,
        "cap_per_person_cents": 5000,
        "budget_cents": 100_000,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


def pay(client: Client | None, lines, tenders=(), key=None, **extra):
    """POST /api/v1/checkout with ``lines`` = [(offer, quantity)] and ``tenders``."""
    body = {
        **GUEST,
        "lines": [{"offer_id": offer.pk, "quantity": quantity} for offer, quantity in lines],
        "tenders": list(tenders),
        **extra,
    }
    return (client or Client()).post(
        "/api/v1/checkout",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or new_key(),
    )


def balance(card) -> int:
    return Account.objects.get(pk=card.account_id).balance_cents
