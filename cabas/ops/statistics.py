"""Planner statistics after bulk loads.

A bulk load (the demo data, a generated territory) writes tens of thousands of rows in a
few seconds. Until the tables are analysed the query planner has no statistics and takes
them for nearly empty: on PostgreSQL a product page then joined every shop to a bitmap
scan of every offer (10 s instead of 1 ms). PostgreSQL's autovacuum analyses in the end,
when it runs (it can be turned off, as on these machines); SQLite never does. So the
commands that load in bulk analyse what they wrote before they return.
"""

from __future__ import annotations

from django.db import connections


def tables_analyze(*, using: str = "default") -> None:
    """Refresh the planner statistics of every table of database ``using``."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
