"""The one shape of a domain's refusal: a stable ``code``, a French ``message``, a status.

Each domain subclasses :class:`DomainError` in its own ``errors.py`` (``OrderError``,
``PaymentError``…) so callers catch their domain's errors by name; views and the API
read the same four attributes whatever the domain.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused operation; ``code`` is part of the API contract, ``status`` its HTTP status.

    ``message`` defaults to the code; ``details`` is JSON for the API's ``error.details``;
    ``field`` names the form field at fault, where there is one.
    """

    status = 422

    def __init__(
        self,
        code: str,
        message: str = "",
        details: Any = None,
        status: int | None = None,
        *,
        field: str | None = None,
    ) -> None:
        self.code = code
        self.message = message or code
        self.details = details
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {self.message}")
