"""The planner's failures, each with a stable code (the API's ``error.code``)."""

from __future__ import annotations

from typing import Any


class PlanError(Exception):
    def __init__(self, code: str, message: str, details: Any = None, status: int = 422) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.details = details
        self.status = status
