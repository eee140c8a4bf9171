"""Settlement errors; ``code`` is stable, ``message`` French and says what to fix."""

from __future__ import annotations

from typing import Any


class SettlementError(Exception):
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
