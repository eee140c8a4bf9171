"""Ledger errors; ``code`` is stable (API contract), ``message`` French.

Raised before anything is written, or inside the posting's transaction so that it
rolls back: a refused posting leaves no transaction, no entry and no balance change.
"""

from __future__ import annotations

from cabas.errors import DomainError


class LedgerError(DomainError):
    """A refused posting; no transaction, no entry, no balance change."""
