"""The category tree as search reads it: a small reference table (a few dozen rows) read
in one raw query, cheaper than an ORM query and never stale."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
