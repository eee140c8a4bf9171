"""The privacy domain's errors: a stable ``code`` (API contract) and a French message."""

from __future__ import annotations

from cabas.errors import DomainError


class PrivacyError(DomainError):
    """A refused export or erasure; nothing was written."""

    status = 409
