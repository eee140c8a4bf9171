"""Loyalty errors; ``code`` is stable (API contract), ``message`` French."""

from __future__ import annotations

from cabas.errors import DomainError


class LoyaltyError(DomainError):
    """A refused loyalty operation; ``field`` names the form field at fault."""
