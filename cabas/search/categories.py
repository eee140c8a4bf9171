"""The category tree as search reads it: a small reference table (a few dozen rows) read
in one raw query, cheaper than an ORM query and never stale.

A search reads the tree's rows as one JSON array inside the query it starts with (the
shop fingerprint, :func:`cabas.search.shop_snapshot.search_context`): one round trip less
per search, and the tree is parsed once per process for each version of the table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from django.db.backends.base.base import BaseDatabaseWrapper

from cabas.catalog.models import Category

from .sql import search_connection
from .text import words

CATEGORY_TABLE = Category._meta.db_table


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    name: str
    parent_id: int | None

    @property
    def words(self) -> tuple[str, ...]:
        return _name_words(self.name)


@lru_cache(maxsize=1024)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(words(name))


@dataclass(frozen=True)
class CategoryTree:
    by_id: dict[int, CategoryInfo]
    by_slug: dict[str, CategoryInfo]

    def ids_for(self, slug: str) -> list[int]:
        """A family stands for itself and its rayons; an unknown slug for nothing."""
        category = self.by_slug.get(slug)
        if category is None:
            return []
        children = [c.id for c in self.by_id.values() if c.parent_id == category.id]
        return [category.id, *children]


def category_tree() -> CategoryTree:
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT id, slug, name, parent_id FROM {CATEGORY_TABLE} "  # noqa: S608
            "ORDER BY position, name, id"
        )
        rows = [CategoryInfo(*row) for row in cursor.fetchall()]
    return CategoryTree({c.id: c for c in rows}, {c.slug: c for c in rows})


def tree_rows_sql(connection: BaseDatabaseWrapper) -> str:
    """A scalar subquery: every category as ``[position, name, id, slug, parent_id]`` in
    one JSON array (text), in the order of :func:`category_tree` on PostgreSQL; SQLite's
    aggregate keeps no order, and its BINARY collation orders names as Python does, so
    :func:`tree_from_rows` sorts them."""
    if connection.vendor == "postgresql":
        return (
            "(SELECT json_agg(json_build_array(position, name, id, slug, parent_id) "  # noqa: S608
            f"ORDER BY position, name, id)::text FROM {CATEGORY_TABLE})"
        )
    return (
        "(SELECT json_group_array(json_array(position, name, id, slug, parent_id)) "  # noqa: S608
        f"FROM {CATEGORY_TABLE})"
    )


@lru_cache(maxsize=8)
def tree_from_rows(rows: str | None, vendor: str) -> CategoryTree:
    """The tree of :func:`tree_rows_sql`'s text, parsed once per process and version of
    the table (the text is the key: a category renamed or moved reads as another tree).
    Shared: callers never change it."""
    parsed = json.loads(rows) if rows else []
    if vendor != "postgresql":
        parsed.sort(key=lambda row: (row[0], row[1], row[2]))
    infos = [CategoryInfo(cid, slug, name, parent) for _pos, name, cid, slug, parent in parsed]
    return CategoryTree({c.id: c for c in infos}, {c.slug: c for c in infos})
