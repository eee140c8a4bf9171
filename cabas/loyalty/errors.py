"""Loyalty errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from typing import Any


class LoyaltyError(Exception):
    status = 422

    def __init__(
        self,
        code: str,
        message: str = "",
        details: Any = None,
        status: int | None = None,
        field: str | None = None,
    ) -> None:
        self.code = code
        self.message = message or code
        self.details = details
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {self.message}")
