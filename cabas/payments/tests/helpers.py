"""Shared steps of the payment tests: a card checkout through the pages, a webhook."""

from __future__ import annotations

import re

from django.test import Client

from cabas.orders.tests.fixtures import GUEST
from cabas.payments.fake_stripe import FakeStripe

from .conftest import WEBHOOK_SECRET

WEBHOOK_URL = "/api/v1/payments/stripe/webhook"


def card_checkout(client: Client, *offers, quantity: int = 2):
    """Fill the cart, confirm with card payment; returns the response (a redirect)."""
    for offer in offers:
        client.post("/panier/ajouter/", {"offer_id": offer.pk, "quantity": quantity})
    page = client.get("/commandes/valider/")
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return client.post("/commandes/valider/", {**fields, **GUEST, "payment_method": "card"})


def session_id_from(location: str, fake: FakeStripe) -> str:
    assert location.startswith(f"{fake.base_url}/pay/cs_test_"), location
    return location.rsplit("/", 1)[1]


def post_webhook(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    payload, header = FakeStripe.signed(event, secret, timestamp)
    return Client().post(
        WEBHOOK_URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
