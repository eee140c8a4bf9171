"""The payment step of a checkout, shaped for providers to plug in.

This issue ships the "pay on fulfilment" methods; an online card payment, a
territory voucher or a gift card becomes another :class:`PaymentProvider` in
``PROVIDERS`` (a voucher covering part of the total would run before the method
that pays the rest). ``start`` runs in the checkout's transaction, before its first
write (the offers are locked by then), with the checkout's idempotency key as
``reference`` (the key a payment service deduplicates on); it must not block on the
network: an online provider answers ``pending`` and is confirmed by its webhook,
through the task queue.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.models import FulfilmentMethod

from .models import PaymentMethod


@dataclass(frozen=True)
class PaymentOutcome:
    status: str  # due_on_fulfilment | pending | paid
    reference: str = ""
    amount_cents: int = 0  # what an online provider is asked to collect


class PaymentProvider(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def label(self) -> Any: ...  # lazy translation

    def accepts(self, fulfilment_methods: Collection[str]) -> bool: ...

    def start(self, *, reference: str, amount_cents: int, currency: str) -> PaymentOutcome: ...

    # Runs inside the checkout's transaction, once the checkout row exists: an online
    # provider records its pending payment there (no network call).
    def attach(self, *, checkout: Any, outcome: PaymentOutcome) -> None: ...


@dataclass(frozen=True)
class PayOnFulfilment:
    """The shopper pays the shop when collecting, or the courier at the door."""

    code: str
    label: Any
    methods: frozenset[str]

    def accepts(self, fulfilment_methods: Collection[str]) -> bool:
        return all(method in self.methods for method in fulfilment_methods)

    def start(self, *, reference: str, amount_cents: int, currency: str) -> PaymentOutcome:
        return PaymentOutcome(status="due_on_fulfilment")

    def attach(self, *, checkout: Any, outcome: PaymentOutcome) -> None:
        return None


_PICKUPS = frozenset({FulfilmentMethod.PICKUP, FulfilmentMethod.COLLECTION_POINT})

PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider
    for provider in (
        PayOnFulfilment(
            "on_fulfilment",
            _("payer au retrait ou à la livraison"),
            _PICKUPS | {FulfilmentMethod.DELIVERY},
        ),
        PayOnFulfilment(PaymentMethod.ON_PICKUP, _("payer au retrait"), _PICKUPS),
        PayOnFulfilment(
            PaymentMethod.ON_DELIVERY,
            _("payer à la livraison"),
            frozenset({FulfilmentMethod.DELIVERY}),
        ),
    )
}
DEFAULT_PROVIDER = "on_fulfilment"


def available_providers() -> dict[str, PaymentProvider]:
    """The pay-on-fulfilment methods, plus online card payment when the environment sets one."""
    # Imported here: cabas.payments builds on the orders models.
    from cabas.payments.registry import online_provider

    found = dict(PROVIDERS)
    card = online_provider()
    if card is not None:
        found[card.code] = card
    return found


def order_payment_method(fulfilment_method: str, provider_code: str = "") -> str:
    """How one order is settled: paid online by card, or at pickup / delivery."""
    if provider_code == PaymentMethod.CARD:
        return PaymentMethod.CARD
    if fulfilment_method == FulfilmentMethod.DELIVERY:
        return PaymentMethod.ON_DELIVERY
    return PaymentMethod.ON_PICKUP
