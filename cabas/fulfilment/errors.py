"""Fulfilment errors; ``code`` is stable (API contract), ``message`` is French for people."""

from __future__ import annotations

from typing import Any


class FulfilmentError(Exception):
    def __init__(self, code: str, message: str, details: Any = None) -> None:
        self.code = code
        self.message = message
        self.details = details
        super().__init__(f"{code}: {message}")


class SlotFullError(FulfilmentError):
    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__("slot_full", message, details)
