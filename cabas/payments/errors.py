"""Payment errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from cabas.errors import DomainError


class PaymentError(DomainError):
    """A refused payment operation; nothing was recorded."""


class ProviderError(PaymentError):
    """The payment provider could not be reached or refused the call; nothing was recorded."""

    status = 502


class WebhookError(PaymentError):
    """A webhook was refused (signature, shape); nothing was written."""

    status = 400
