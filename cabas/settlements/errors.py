"""Settlement errors; ``code`` is stable, ``message`` French and says what to fix."""

from __future__ import annotations

from cabas.errors import DomainError


class SettlementError(DomainError):
    """A refused settlement or payout step; nothing was written."""
