"""Per-stem top lists: the static rank of each document for each term it holds.

A query of one broad word ("chocolat", "pâtes", "pain") matches one or two thousand
product documents; FTS5 computes bm25 and PostgreSQL ``ts_rank`` for every one of them
before keeping the best few hundred (1.5–4 ms a query, the largest cold cost of search).
For one term, the engine's score of a document depends on that document alone, up to a
factor shared by every document of the answer, so it can be computed when the document is
written: ``search_searchstemrank`` holds one row per (document, term) with that score, and
``search_stemrank_top`` (territory, stem, score descending) reads the best N in order.

- **PostgreSQL**: the rows are the lexemes of the document's vector, scored with the very
  ``ts_rank`` expression of the engine (:mod:`cabas.search.engines.postgres`) against the
  lexeme alone: the same numbers as a search computes.
- **SQLite**: the rows are the tokens of the document's four indexed fields, scored with
  FTS5's bm25 formula (k1 1.2, b 0.75, the engine's column weights) without its inverse
  document frequency, a positive constant for one term that divides out of
  :func:`cabas.search.ranking.text_relevance`. The average document length is FTS5's own
  at the time the row is written; documents written later see a slightly different one,
  so after many incremental changes near-ties may order differently than a fresh bm25
  would, until ``rebuild_search_index``.

Written by :mod:`cabas.search.services` in the transaction that writes the documents
(created, changed, deleted). Each row also copies its document's offer count and
category, so the best N of a word (of some rayons) are read from the index alone; a
recount of offers updates them and changes no score. A product deleted takes its rows
with it on its next indexing, which the services' contract asks for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

RANK_TABLE = "search_searchstemrank"
DOCUMENT_TABLE = "search_searchdocument"
MAX_STEM_CHARS = 100
# FTS5's bm25 (sqlite/ext/fts5/fts5_aux.c) and the engine's weights for the four fields
# it matches (cabas.search.engines.sqlite._WEIGHTS, territory_id left out).
BM25_K1 = 1.2
BM25_B = 0.75
SQLITE_FIELD_WEIGHTS = (10.0, 4.0, 2.0, 10.0)  # name_text, brand_text, category_text, gtin
# The ts_rank weights of the engine (cabas.search.engines.postgres._WEIGHTS).
POSTGRES_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
BATCH = 2000
COLUMNS = "territory_id, stem, product_id, score, offer_count, category_id"


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """An SQLite varint (big-endian, 7 bits a byte, the ninth byte whole) at ``at``."""
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise ValueError("bad varint")  # pragma: no cover - the loop returns


def fts_average_length(connection: BaseDatabaseWrapper) -> float:
    """FTS5's average document length in tokens, all columns (its ``averages`` record:
    the number of rows, then each column's token total)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT block FROM search_fts_data WHERE id = 1")
        row = cursor.fetchone()
    if row is None or not row[0]:
        return 1.0
    data = bytes(row[0])
    rows, at = _varint(data, 0)
    tokens = 0
    while at < len(data):
        count, at = _varint(data, at)
        tokens += count
    return tokens / rows if rows else 1.0


def bm25_rows(
    product_id: int,
    territory_id: int,
    fields: Sequence[str],
    average_length: float,
    tail: tuple[int, int | None] = (0, None),
) -> list[tuple[Any, ...]]:
    """(territory_id, token, product_id, score, *tail) for each distinct token of a
    document's four indexed fields: FTS5's bm25 of that token alone, divided by its IDF
    (``tail``: the document's offer count and category)."""
    tokens = [field.split() for field in fields]
    # FTS5 counts the tokens of every column; territory_id, an integer, has none.
    length = sum(len(column) for column in tokens)
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average_length)
    weighted: dict[str, float] = {}
    for weight, column in zip(SQLITE_FIELD_WEIGHTS, tokens, strict=True):
        for token in column:
            weighted[token] = weighted.get(token, 0.0) + weight
    return [
        (territory_id, token, product_id, freq * (BM25_K1 + 1) / (freq + norm), *tail)
        for token, freq in weighted.items()
        if len(token) <= MAX_STEM_CHARS and freq > 0
    ]


def _in_list(connection: BaseDatabaseWrapper, column: str, ids: list[int]) -> tuple[str, Any]:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", ids
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(ids)  # noqa: S608


def write_rank_lists(
    connection: BaseDatabaseWrapper,
    *,
    product_ids: Iterable[int] = (),
    territory_id: int | None = None,
) -> None:
    """Replace the rows of these products' documents (or of every document of the
    territory) with their current terms and scores. Call after the documents are written,
    in the same transaction."""
    ids = sorted(set(product_ids))
    if territory_id is None and not ids:
        return
    with connection.cursor() as cursor:
        if territory_id is not None:
            cursor.execute(f"DELETE FROM {RANK_TABLE} WHERE territory_id = %s", [territory_id])  # noqa: S608
        for start in range(0, len(ids), BATCH):
            clause, param = _in_list(connection, "product_id", ids[start : start + BATCH])
            cursor.execute(f"DELETE FROM {RANK_TABLE} WHERE {clause}", [param])  # noqa: S608
        scope = "d.territory_id = %s"
        chunks: list[Any] = [territory_id]
        if territory_id is None:
            chunks = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
        for chunk in chunks:
            if territory_id is None:
                scope, param = _in_list(connection, "d.product_id", chunk)
            else:
                param = chunk
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {RANK_TABLE} ({COLUMNS}) "  # noqa: S608
                    "SELECT d.territory_id, u.lexeme, d.product_id, "
                    "ts_rank(%s::float4[], d.vector, quote_literal(u.lexeme)::tsquery, 1), "
                    "d.offer_count, d.category_id "
                    f"FROM {DOCUMENT_TABLE} d, unnest(d.vector) u "
                    f"WHERE {scope} AND length(u.lexeme) <= %s",
                    [POSTGRES_WEIGHTS, param, MAX_STEM_CHARS],
                )
                continue
            average = fts_average_length(connection)
            cursor.execute(
                "SELECT product_id, territory_id, offer_count, category_id, "  # noqa: S608
                f"name_text, brand_text, category_text, gtin FROM {DOCUMENT_TABLE} d WHERE {scope}",
                [param],
            )
            rows = [
                row
                for pid, tid, count, category, *fields in cursor.fetchall()
                for row in bm25_rows(pid, tid, fields, average, (count, category))
            ]
            cursor.executemany(
                f"INSERT INTO {RANK_TABLE} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
                rows,
            )


def recount_rank_lists(connection: BaseDatabaseWrapper, counts: dict[int, int]) -> None:
    """The new offer counts of documents whose text did not change."""
    if counts:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {RANK_TABLE} SET offer_count = %s WHERE product_id = %s",  # noqa: S608
                [(n, pid) for pid, n in sorted(counts.items())],
            )


def fill_every_territory(connection: BaseDatabaseWrapper) -> None:
    """Every territory's lists from its documents (the migration that adds the table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT territory_id FROM {DOCUMENT_TABLE}")  # noqa: S608
        territories = [row[0] for row in cursor.fetchall()]
    for territory_id in territories:
        write_rank_lists(connection, territory_id=territory_id)
