"""The full-text engine of the database in use: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from django.db import connection

from .base import Group, Match, SearchEngine, Term
from .postgres import PostgresEngine
from .sqlite import SqliteEngine

__all__ = ["Group", "Match", "SearchEngine", "Term", "get_engine"]

_ENGINES: dict[str, SearchEngine] = {
    "sqlite": SqliteEngine(),
    "postgresql": PostgresEngine(),
}


def get_engine() -> SearchEngine:
    try:
        return _ENGINES[connection.vendor]
    except KeyError:
        raise RuntimeError(f"search has no engine for {connection.vendor}") from None
