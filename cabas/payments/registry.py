"""Which online payment provider this installation uses, from the environment.

``PAYMENT_PROVIDER=stripe`` with ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET``
(and ``STRIPE_API_BASE`` to point at another host) turns card payment on;
``PAYMENT_PROVIDER=fake`` starts the local fake Stripe on loopback, for the demo.
Anything else (the default): pay on pickup or delivery only, no online purchase.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cabas.orders.payments import PaymentOutcome

from .stripe_adapter import StripeGateway

CARD = "card"
FAKE_SECRET = "whsec_cabas_local_fake"  # noqa: S105 (loopback simulator)

_fake_lock = threading.Lock()
_fake_base: list[str] = []


@dataclass(frozen=True)
class CardProvider:
    """Pay the whole checkout online by card, before the shops see the orders."""

    gateway: StripeGateway
    code: str = CARD
    label: Any = field(default=_("payer en ligne par carte bancaire"))

    def accepts(self, fulfilment_methods: Collection[str]) -> bool:
        return True

    def start(self, *, reference: str, amount_cents: int, currency: str) -> PaymentOutcome:
        # No network here: the session is opened after the checkout commits.
        if amount_cents <= 0:
            return PaymentOutcome(status="paid", reference=reference)
        return PaymentOutcome(status="pending", reference=reference, amount_cents=amount_cents)

    def attach(self, *, checkout: Any, outcome: PaymentOutcome) -> None:
        """Record the pending payment in the checkout's transaction."""
        if outcome.status != "pending":
            return
        from .services import payment_create_for_checkout

        payment_create_for_checkout(
            checkout=checkout, provider=self.gateway.name, amount_cents=outcome.amount_cents
        )


def _fake_gateway() -> StripeGateway:
    with _fake_lock:
        if not _fake_base:
            from .fake_stripe import serve

            _fake_base.append(serve().base_url)
    return StripeGateway(
        secret_key="sk_test_fake",  # noqa: S106 (loopback simulator)
        webhook_secret=FAKE_SECRET,
        api_base=_fake_base[0],
    )


def gateway() -> StripeGateway | None:
    """The configured gateway, or None when online payment is off."""
    name = getattr(settings, "PAYMENT_PROVIDER", "")
    if name == "stripe" and settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET:
        return StripeGateway(
            secret_key=settings.STRIPE_SECRET_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            api_base=settings.STRIPE_API_BASE,
        )
    if name == "fake":
        return _fake_gateway()
    return None


def online_provider() -> CardProvider | None:
    found = gateway()
    return CardProvider(gateway=found) if found is not None else None
