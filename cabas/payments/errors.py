"""Payment errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from typing import Any


class PaymentError(Exception):
    status = 422

    def __init__(
        self, code: str, message: str, details: Any = None, status: int | None = None
    ) -> None:
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {message}")


class ProviderError(PaymentError):
    """The payment provider could not be reached or refused the call; nothing was recorded."""

    status = 502


class WebhookError(PaymentError):
    """A webhook was refused (signature, shape); nothing was written."""

    status = 400
