"""Errors of pages and announcements: a stable ``code``, a French ``message``, the field."""

from __future__ import annotations

from cabas.errors import DomainError


class PagesError(DomainError):
    """A refused page or announcement change; ``field`` names the form field at fault."""
