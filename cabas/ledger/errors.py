"""Ledger errors; ``code`` is stable (API contract), ``message`` French.

Raised before anything is written, or inside the posting's transaction so that it
rolls back: a refused posting leaves no transaction, no entry and no balance change.
"""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
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
