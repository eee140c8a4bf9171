"""Voucher and gift card errors; ``code`` is stable (API contract), ``message`` French.

Raised before anything is written, or inside the service's transaction so that it
rolls back: a refused operation leaves no ledger transaction and no balance change.
"""

from __future__ import annotations

from typing import Any


class VoucherError(Exception):
    status = 422

    def __init__(
        self, code: str, message: str = "", details: Any = None, status: int | None = None
    ) -> None:
        self.code = code
        self.message = message or code
        self.details = details
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {self.message}")
