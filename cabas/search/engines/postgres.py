"""PostgreSQL engine: a weighted tsvector column with a GIN index, ranked with ts_rank.

``search_searchdocument.vector`` is a generated column (migration 0002) built with the
``cabas_french`` configuration (unaccent, then the Snowball French stemmer, no stop
words) over the already-normalised fields: name and GTIN weigh A, brand B, category C.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from ..ranklists import RANK_TABLE
from ..sql import search_connection
from .base import Group, Match, SearchEngine, Term

# ts_rank weights for {D, C, B, A}; normalisation 1 prefers short names a little.
_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"


def _group_expression(group: Group) -> str:
    # Terms are [a-z0-9] only (checked by Term): no tsquery operator can slip in.
    parts = [f"{term.text}:*" if term.prefix else term.text for term in group]
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def tsquery_text(groups: Sequence[Group], require_all: bool) -> str:
    joiner = " & " if require_all else " | "
    return joiner.join(_group_expression(group) for group in groups)


class PostgresEngine(SearchEngine):
    vendor = "postgresql"

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
        params: list[Any] = [_WEIGHTS, tsquery_text(groups, require_all), territory_id]
        category_filter = ""
        if category_ids is not None:
            if not category_ids:
                return []
            category_filter = "AND category_id = ANY(%s)"
            params.append(list(category_ids))
        params.append(limit)
        # Only placeholders and constant fragments are formatted into the SQL.
        sql = (
            "SELECT product_id, ts_rank(%s::float4[], vector, query, 1) AS score, offer_count, "  # noqa: S608
            "category_id "
            "FROM search_searchdocument, to_tsquery('cabas_french', %s) query "
            f"WHERE territory_id = %s AND vector @@ query {category_filter} "
            "ORDER BY score DESC, product_id LIMIT %s"
        )
        with search_connection().cursor() as cursor:
            cursor.execute(sql, params)
            return [Match._make(row) for row in cursor.fetchall()]

    def held(self, territory_id: int, terms: Sequence[Term]) -> list[bool]:
        # A whole term: one probe of the lists (which hold every lexeme of every
        # document; a GIN test would first collect every document holding it); a prefix:
        # the GIN index.
        listed = (
            f"EXISTS (SELECT 1 FROM {RANK_TABLE} WHERE territory_id = %s "  # noqa: S608
            "AND stem = (tsvector_to_array(to_tsvector('cabas_french', %s)))[1])"
        )
        prefixed = (
            "EXISTS (SELECT 1 FROM search_searchdocument WHERE territory_id = %s "
            "AND vector @@ to_tsquery('cabas_french', %s))"
        )
        params: list[Any] = []
        for term in terms:
            params += [territory_id, tsquery_text([(term,)], True) if term.prefix else term.text]
        tests = [prefixed if term.prefix else listed for term in terms]
        with search_connection().cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(tests), params)
            return [bool(value) for value in cursor.fetchone()]

    def read_list(
        self, territory_id: int, term: Term, category_ids: Sequence[int] | None, limit: int
    ) -> list[Match]:
        # The term's lexeme as the engine's to_tsquery makes it (immutable: folded into a
        # constant when planned, so the top index is read in order); none, nothing matches.
        params: list[Any] = [term.text, territory_id]
        category_filter = ""
        if category_ids is not None:
            category_filter = "AND r.category_id = ANY(%s)"
            params.append(list(category_ids))
        params.append(limit)
        with search_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT r.product_id, r.score, r.offer_count, r.category_id FROM {RANK_TABLE} r "  # noqa: S608
                "WHERE r.stem = (tsvector_to_array(to_tsvector('cabas_french', %s)))[1] "
                f"AND r.territory_id = %s {category_filter} "
                "ORDER BY r.score DESC, r.product_id LIMIT %s",
                params,
            )
            return [Match._make(row) for row in cursor.fetchall()]

    def index_size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_relation_size('search_document_vector') "
                "+ COALESCE((SELECT SUM(pg_column_size(vector)) FROM search_searchdocument), 0)"
            )
            return int(cursor.fetchone()[0])

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
