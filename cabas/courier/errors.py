"""Courier errors: a stable ``code``, a French ``message`` and the form field at fault."""

from __future__ import annotations

from cabas.errors import DomainError


class CourierError(DomainError):
    """A refused courier change; ``field`` names the form field at fault."""
