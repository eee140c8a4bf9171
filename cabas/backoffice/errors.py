"""Back-office errors: a stable ``code`` and a French ``message`` fit for the merchant."""

from __future__ import annotations

from cabas.errors import DomainError


class BackofficeError(DomainError):
    """A refused back-office change; ``field`` names the form field at fault."""

    status = 400


class JoinError(BackofficeError):
    """A claim or a shop creation was refused; nothing was written."""


class OfferError(BackofficeError):
    """An offer change was refused; nothing was written."""


class PhotoError(BackofficeError):
    """An uploaded photo was refused (type, size, content)."""


class TeamError(BackofficeError):
    """An invitation or a team change was refused."""
