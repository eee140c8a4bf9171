"""The habits domain's errors, each with a stable code and a French message."""

from __future__ import annotations


class HabitError(Exception):
    """A refused follow, alert, news or preference change; nothing was written."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
