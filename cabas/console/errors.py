"""Console errors: a stable ``code``, a French ``message`` and the form field at fault."""

from __future__ import annotations


class ConsoleError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        self.code = code
        self.message = message
        self.field = field
        super().__init__(f"{code}: {message}")
