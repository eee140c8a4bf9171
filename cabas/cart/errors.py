"""Cart errors; ``code`` is stable (API contract), ``message`` is French for people."""

from __future__ import annotations

from typing import Any


class CartError(Exception):
    def __init__(self, code: str, message: str, details: Any = None, status: int = 422) -> None:
        self.code = code
        self.message = message
        self.details = details
        self.status = status
        super().__init__(f"{code}: {message}")
