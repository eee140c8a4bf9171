"""Order and checkout errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from typing import Any


class OrderError(Exception):
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


class CheckoutError(OrderError):
    """The checkout was refused; nothing was written (no order, no stock change)."""


class IdempotencyConflictError(CheckoutError):
    def __init__(self, message: str) -> None:
        super().__init__("idempotency_conflict", message, status=409)


class TransitionError(OrderError):
    """An order cannot move to that status from where it is, or not by this actor."""

    status = 409
