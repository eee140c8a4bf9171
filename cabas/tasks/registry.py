"""Task functions known to the worker, by stable name.

A queued row names its function; only functions registered here can run, so a
row can never make the worker import arbitrary code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class TaskDefinition:
    name: str
    func: Callable[..., Any]
    max_attempts: int


class UnknownTaskError(LookupError):
    code = "unknown_task"


_registry: dict[str, TaskDefinition] = {}
# Tasks the worker queues on its own, every so often (no arguments): name -> period.
_periodic: dict[str, dt.timedelta] = {}


def task(
    name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, every: dt.timedelta | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` under ``name`` (keyword arguments only, JSON-serialisable).

    With ``every``, the worker also queues it (without arguments) once per period.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _registry.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"Task name {name!r} is already registered.")
        _registry[name] = TaskDefinition(name=name, func=func, max_attempts=max_attempts)
        if every is not None:
            _periodic[name] = every
        return func

    return register


def get_task(name: str) -> TaskDefinition:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownTaskError(name) from None


def registered_names() -> list[str]:
    return sorted(_registry)


def periodic_tasks() -> dict[str, dt.timedelta]:
    return dict(_periodic)
