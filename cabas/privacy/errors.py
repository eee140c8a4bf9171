"""The privacy domain's errors: a stable ``code`` (API contract) and a French message."""

from __future__ import annotations

from typing import Any


class PrivacyError(Exception):
    """A refused export or erasure; nothing was written."""

    status = 409

    def __init__(
        self, code: str, message: str, *, details: Any = None, status: int | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status
