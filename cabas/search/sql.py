"""SQL written once for SQLite and PostgreSQL by the search modules.

Every value is a parameter: only table names, column names and placeholders are ever
formatted into SQL text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connection


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
