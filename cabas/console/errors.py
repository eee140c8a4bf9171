"""Console errors: a stable ``code``, a French ``message`` and the form field at fault."""

from __future__ import annotations

from cabas.errors import DomainError


class ConsoleError(DomainError):
    """A refused console change; ``field`` names the form field at fault."""
