"""SQL written once for SQLite and PostgreSQL by the search modules.

Every value is a parameter: only table names, column names and placeholders are ever
formatted into SQL text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import SearchDocument


def search_alias() -> str:
    """The database alias search reads from: the router's choice for the search tables
    (a replica when ``cabas.ops.routers`` is active, except in a request pinned to the
    primary or inside a transaction of the primary: read-your-writes), the same for
    every query of a search, so the shop fingerprint and index generation it keys its
    caches on describe the data it reads."""
    return router.db_for_read(SearchDocument)


def search_connection(alias: str | None = None) -> BaseDatabaseWrapper:
    """The connection of :func:`search_alias` (or of ``alias``)."""
    return connections[alias or search_alias()]


def in_list(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``column`` in ``values`` with one parameter (an array on PostgreSQL, a JSON array on
    SQLite): the SQL text does not change with the number of values, so the database
    keeps it compiled. As 700 placeholders, a list of shops cost more to compile than the
    query cost to run."""
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    array = _json_array(values) if isinstance(values, tuple) else json.dumps(list(values))
    return f"{column} IN (SELECT value FROM json_each(%s))", [array]  # noqa: S608


@lru_cache(maxsize=32)
def _json_array(values: tuple[Any, ...]) -> str:
    # Long-lived lists (the open shops of a snapshot) are tuples: serialised once.
    return json.dumps(values)


@dataclass(frozen=True)
class ShopCodeSql:
    """SQL reading a shop's code: ``value`` is the integer of its digit, ``shown`` the
    test that it has one; each with its parameters."""

    value: str
    value_params: list[Any]
    shown: str
    shown_params: list[Any]


def shop_code(column: str, codes: bytes, first: int) -> ShopCodeSql:
    """The one-byte code of the shop in ``column`` from ``codes`` (the code of shop id
    ``first + i`` at position ``i``): an ASCII digit, or ``-`` for a shop that does not
    show, like any shop outside ``codes``.

    A read by position costs the same for any number of shops, where ``IN``/``= ANY``
    lists of shop ids cost a search per offer and per list (PostgreSQL does not hash an
    ``= ANY`` inside a ``CASE``: 44 ms for 9,000 offers, 2.4 ms this way).
    """
    last = first + len(codes) - 1
    if connection.vendor == "postgresql":
        value = (
            f"CASE WHEN {column} BETWEEN %s AND %s "
            f"THEN get_byte(%s, ({column} - %s)::int) - 48 ELSE -1 END"
        )
        params = [first, last, codes, first]
        return ShopCodeSql(value, params, f"{value} >= 0", params)
    # SQLite: substr() of a blob reads by byte offset; CAST reads the ASCII digit. An
    # offset below 1 would count from the end: the id test rules it out, and its unary
    # plus keeps it from choosing an index.
    return ShopCodeSql(
        f"CAST(substr(%s, {column} - %s, 1) AS INTEGER)",
        [codes, first - 1],
        f"+{column} >= %s AND substr(%s, {column} - %s, 1) >= X'30'",
        [first, codes, first - 1],
    )
