"""Order and checkout errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from cabas.errors import DomainError


class OrderError(DomainError):
    """A refused order operation; nothing was written."""


class CheckoutError(OrderError):
    """The checkout was refused; nothing was written (no order, no stock change)."""


class IdempotencyConflictError(CheckoutError):
    def __init__(self, message: str) -> None:
        super().__init__("idempotency_conflict", message, status=409)


class TransitionError(OrderError):
    """An order cannot move to that status from where it is, or not by this actor."""

    status = 409
