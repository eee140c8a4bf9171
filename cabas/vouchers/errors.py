"""Voucher and gift card errors; ``code`` is stable (API contract), ``message`` French.

Raised before anything is written, or inside the service's transaction so that it
rolls back: a refused operation leaves no ledger transaction and no balance change.
"""

from __future__ import annotations

from cabas.errors import DomainError


class VoucherError(DomainError):
    """A refused voucher or gift card operation; nothing was written."""
