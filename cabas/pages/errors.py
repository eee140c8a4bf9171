"""Errors of pages and announcements: a stable ``code``, a French ``message``, the field."""

from __future__ import annotations


class PagesError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        self.code = code
        self.message = message
        self.field = field
        super().__init__(f"{code}: {message}")
