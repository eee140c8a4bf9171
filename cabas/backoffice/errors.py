"""Back-office errors: a stable ``code`` and a French ``message`` fit for the merchant."""

from __future__ import annotations

from typing import Any


class BackofficeError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, *, field: str | None = None, details: Any = None
    ) -> None:
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        super().__init__(f"{code}: {message}")


class JoinError(BackofficeError):
    """A claim or a shop creation was refused; nothing was written."""


class OfferError(BackofficeError):
    """An offer change was refused; nothing was written."""


class PhotoError(BackofficeError):
    """An uploaded photo was refused (type, size, content)."""


class TeamError(BackofficeError):
    """An invitation or a team change was refused."""
