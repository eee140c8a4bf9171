"""The Stripe Connect adapter ("separate charges and transfers").

One Checkout Session per payment (the shopper pays on Stripe's page, no card data
here), its PaymentIntent tagged with ``transfer_group``; once paid, one Transfer per
shop order to the shop's connected account, the commission staying on the platform
as its application fee. A refused order is refunded by its card share only (a partial
refund), after its transfer is reversed if it had left. Every call that creates
something carries an idempotency key, so a retried task never creates a second object.
Network calls never run inside a database transaction: callers open, confirm and
transfer outside the locked writes.

Webhook signatures are checked here by hand (``t=…,v1=…`` HMAC-SHA256 over
``"{t}.{payload}"``, constant-time compare, timestamp tolerance) so that each refusal
gets its own error code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import stripe
from django.utils.translation import gettext as _

from .errors import ProviderError, WebhookError

SIGNATURE_TOLERANCE_SECONDS = 300
STRIPE_API_VERSION = "2025-06-30.basil"


@dataclass(frozen=True)
class OpenedSession:
    reference: str
    url: str


@dataclass(frozen=True)
class SessionState:
    reference: str
    paid: bool
    open: bool  # the shopper can still pay
    payment_id: str  # PaymentIntent id, "" until paid


@dataclass(frozen=True)
class StripeGateway:
    secret_key: str
    webhook_secret: str
    api_base: str = ""

    @property
    def name(self) -> str:
        return "stripe"

    def _client(self) -> stripe.StripeClient:
        options: dict[str, Any] = {"max_network_retries": 0, "stripe_version": STRIPE_API_VERSION}
        if self.api_base:
            options["base_addresses"] = {"api": self.api_base.rstrip("/")}
        return stripe.StripeClient(self.secret_key, **options)

    def _call(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except stripe.StripeError as error:
            raise ProviderError(
                "provider_error",
                _("Le service de paiement n'a pas répondu correctement : réessayez."),
                {"provider_message": str(error.user_message or error)[:200]},
            ) from error

    def open_session(
        self,
        *,
        payment_id: int,
        amount_cents: int,
        currency: str,
        description: str,
        customer_email: str,
        success_url: str,
        cancel_url: str,
        transfer_group: str,
        idempotency_key: str,
    ) -> OpenedSession:
        session = self._call(
            self._client().v1.checkout.sessions.create,
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": currency.lower(),
                            "unit_amount": amount_cents,
                            "product_data": {"name": description[:250]},
                        },
                    }
                ],
                "customer_email": customer_email,
                "client_reference_id": f"payment:{payment_id}",
                "metadata": {"payment_id": str(payment_id)},
                "payment_intent_data": {
                    "transfer_group": transfer_group,
                    "metadata": {"payment_id": str(payment_id)},
                },
                "success_url": success_url,
                "cancel_url": cancel_url,
                "expires_at": int(time.time()) + 31 * 60,
            },
            options={"idempotency_key": idempotency_key},
        )
        return OpenedSession(reference=session.id, url=session.url or "")

    def fetch_session(self, reference: str) -> SessionState:
        session = self._call(self._client().v1.checkout.sessions.retrieve, reference)
        return _session_state(session)

    def expire_session(self, reference: str) -> SessionState:
        """Close the session so it can no longer be paid; tells if it was paid meanwhile."""
        client = self._client()
        try:
            session = client.v1.checkout.sessions.expire(reference)
        except stripe.InvalidRequestError:
            # Already complete or expired: read what it became.
            session = self._call(client.v1.checkout.sessions.retrieve, reference)
        except stripe.StripeError as error:
            raise ProviderError(
                "provider_error", _("Le service de paiement n'a pas répondu."), str(error)[:200]
            ) from error
        return _session_state(session)

    def charge_of(self, payment_id: str) -> str:
        intent = self._call(self._client().v1.payment_intents.retrieve, payment_id)
        charge = intent.latest_charge
        return charge if isinstance(charge, str) else getattr(charge, "id", "") or ""

    def transfer(
        self,
        *,
        amount_cents: int,
        currency: str,
        destination: str,
        transfer_group: str,
        source_transaction: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> str:
        params: dict[str, Any] = {
            "amount": amount_cents,
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": metadata,
        }
        if source_transaction:
            params["source_transaction"] = source_transaction
        created = self._call(
            self._client().v1.transfers.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return str(created.id)

    def refund(
        self,
        *,
        payment_id: str,
        idempotency_key: str,
        amount_cents: int | None = None,
        metadata: dict[str, str] | None = None,
    ) -> str:
        """Refund the payment, whole or ``amount_cents`` of it (one shop order's share)."""
        params: dict[str, Any] = {"payment_intent": payment_id}
        if amount_cents is not None:
            params["amount"] = amount_cents
        if metadata:
            params["metadata"] = metadata
        created = self._call(
            self._client().v1.refunds.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return str(created.id)

    def reverse_transfer(
        self,
        *,
        transfer_id: str,
        amount_cents: int,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> str:
        """Take back ``amount_cents`` of a transfer from the connected account (a reversal)."""
        params: dict[str, Any] = {"amount": amount_cents}
        if metadata:
            params["metadata"] = metadata
        created = self._call(
            self._client().v1.transfers.reversals.create,
            transfer_id,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return str(created.id)

    def parse_webhook(self, *, payload: bytes, signature: str, now: float | None = None) -> dict:
        """The verified event, or ``WebhookError`` with a specific code."""
        verify_signature(
            payload=payload, header=signature, secret=self.webhook_secret, now=now or time.time()
        )
        try:
            event = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WebhookError(
                "payload_invalid", _("Le contenu de l'événement est illisible.")
            ) from None
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            raise WebhookError("payload_invalid", _("Le contenu de l'événement est illisible."))
        return event


def _session_state(session: Any) -> SessionState:
    intent = session.payment_intent
    intent_id = intent if isinstance(intent, str) else getattr(intent, "id", "") or ""
    return SessionState(
        reference=session.id,
        paid=session.payment_status in {"paid", "no_payment_required"},
        open=session.status == "open",
        payment_id=intent_id,
    )


def sign_payload(*, payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` header Stripe would send (used by the local fake)."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(*, payload: bytes, header: str, secret: str, now: float) -> None:
    if not header:
        raise WebhookError(
            "signature_missing", _("L'en-tête Stripe-Signature est absent."), status=400
        )
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise WebhookError(
            "signature_malformed", _("L'en-tête Stripe-Signature est mal formé."), status=400
        )
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookError(
            "signature_expired",
            _("La signature de l'événement est trop ancienne (rejeu refusé)."),
            {"tolerance_seconds": SIGNATURE_TOLERANCE_SECONDS},
            status=400,
        )
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise WebhookError(
            "signature_invalid", _("La signature de l'événement est invalide."), status=400
        )
