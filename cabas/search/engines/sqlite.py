"""SQLite engine: an FTS5 table over the documents, ranked with bm25.

``search_fts`` is an external-content FTS5 table on ``search_searchdocument``, kept in
step by triggers (migrations 0002 and 0004). The MATCH reads only the documents holding
the words typed; the join to the documents table keeps those of the territory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from ..ranklists import RANK_TABLE
from ..sql import in_list, search_connection
from .base import Group, Match, SearchEngine, Term

# bm25 weights by column: territory_id, name_text, brand_text, category_text, gtin.
_WEIGHTS = "0.0, 10.0, 4.0, 2.0, 10.0"
_TEXT_COLUMNS = "{name_text brand_text category_text gtin}"


def _group_expression(group: Group) -> str:
    # Terms are [a-z0-9] only (checked by Term); quoting them is a second guard.
    parts = [f'"{term.text}"*' if term.prefix else f'"{term.text}"' for term in group]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def match_expression(groups: Sequence[Group], require_all: bool) -> str:
    joiner = " AND " if require_all else " OR "
    text = joiner.join(_group_expression(group) for group in groups)
    return f"{_TEXT_COLUMNS} : ({text})"


class SqliteEngine(SearchEngine):
    vendor = "sqlite"

    def scan(
        self,
        *,
        territory_id: int,
        groups: Sequence[Group],
        require_all: bool,
        category_ids: Sequence[int] | None,
        limit: int,
    ) -> list[Match]:
        if not groups:
            return []
        params: list[Any] = [match_expression(groups, require_all), territory_id]
        category_filter = ""
        if category_ids is not None:
            if not category_ids:
                return []
            clause, values = in_list("d.category_id", category_ids)
            category_filter = f"AND {clause}"
            params.extend(values)
        params.append(limit)
        # Only placeholders and constant fragments are formatted into the SQL.
        sql = (
            f"SELECT d.product_id, -bm25(search_fts, {_WEIGHTS}) AS score, d.offer_count, "  # noqa: S608
            "d.category_id "
            "FROM search_fts JOIN search_searchdocument d ON d.product_id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND d.territory_id = %s {category_filter} "
            "ORDER BY score DESC, d.product_id LIMIT %s"
        )
        with search_connection().cursor() as cursor:
            cursor.execute(sql, params)
            return [Match._make(row) for row in cursor.fetchall()]

    def held(self, territory_id: int, terms: Sequence[Term]) -> list[bool]:
        # A whole term: one probe of the lists (which hold every term of every document);
        # a prefix: the full-text index, which stops at the first document of the territory.
        listed = f"EXISTS (SELECT 1 FROM {RANK_TABLE} WHERE territory_id = %s AND stem = %s)"  # noqa: S608
        prefixed = (
            "EXISTS (SELECT 1 FROM search_fts JOIN search_searchdocument d "
            "ON d.product_id = search_fts.rowid WHERE search_fts MATCH %s AND d.territory_id = %s)"
        )
        params: list[Any] = []
        for term in terms:
            if term.prefix:
                params += [match_expression([(term,)], True), territory_id]
            else:
                params += [territory_id, term.text]
        tests = [prefixed if term.prefix else listed for term in terms]
        with search_connection().cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(tests), params)
            return [bool(value) for value in cursor.fetchone()]

    def read_list(
        self, territory_id: int, term: Term, category_ids: Sequence[int] | None, limit: int
    ) -> list[Match]:
        params: list[Any] = [territory_id, term.text]
        category_filter = ""
        if category_ids is not None:
            clause, values = in_list("r.category_id", category_ids)
            category_filter = f"AND {clause}"
            params.extend(values)
        params.append(limit)
        with search_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT r.product_id, r.score, r.offer_count, r.category_id FROM {RANK_TABLE} r "  # noqa: S608
                f"WHERE r.territory_id = %s AND r.stem = %s {category_filter} "
                "ORDER BY r.score DESC, r.product_id LIMIT %s",
                params,
            )
            return [Match._make(row) for row in cursor.fetchall()]

    def index_size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'search_fts%%'"
            )
            return int(cursor.fetchone()[0])

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
