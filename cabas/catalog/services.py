"""Writes to the catalogue reference tables."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from cabas.tasks.services import tasks_enqueue_many

from .models import Category
from .taxonomy import TREE

# Run by ``cabas.habits``: matches the shoppers' availability alerts after commit.
OFFER_AVAILABLE_TASK = "habits.offers_available"


def offers_announce_available(*, events: Iterable[tuple[int, int, str]]) -> None:
    """Queue alert matching for ``(offer_id, territory_id, event_key)`` events, in the
    caller's transaction: offers that went from out of stock to in stock, or new offers.

    The task exists exactly when the stock change committed (DESIGN 8); one task per
    territory, whatever the number of offers.
    """
    by_territory: dict[int, list[list[object]]] = {}
    for offer_id, territory_id, event_key in events:
        by_territory.setdefault(territory_id, []).append([offer_id, event_key])
    if by_territory:
        tasks_enqueue_many(
            calls=[
                (OFFER_AVAILABLE_TASK, {"territory_id": territory_id, "events": rows}, territory_id)
                for territory_id, rows in sorted(by_territory.items())
            ]
        )


@transaction.atomic
def taxonomy_sync() -> int:
    """Upsert the rayon taxonomy into ``Category`` by slug; returns the rows created or changed.

    Idempotent: a second call writes nothing and returns 0. Categories that are not in
    the taxonomy are left alone (shops and products may point to them).
    """
    existing = {category.slug: category for category in Category.objects.all()}
    written = 0
    position = 0
    for family in TREE:
        position += 1
        parent, changed = _upsert(
            existing,
            slug=family.slug,
            name=family.name,
            name_en=family.name_en,
            parent=None,
            is_food=family.is_food,
            position=position,
        )
        written += changed
        for rayon in family.rayons:
            position += 1
            _category, changed = _upsert(
                existing,
                slug=rayon.slug,
                name=rayon.name,
                name_en=rayon.name_en,
                parent=parent,
                is_food=family.is_food,
                position=position,
            )
            written += changed
    return written


def _upsert(
    existing: dict[str, Category],
    *,
    slug: str,
    name: str,
    name_en: str,
    parent: Category | None,
    is_food: bool,
    position: int,
) -> tuple[Category, int]:
    wanted = {
        "name": name,
        "name_en": name_en,
        "parent_id": parent.pk if parent else None,
        "is_food": is_food,
        "position": position,
    }
    category = existing.get(slug)
    if category is None:
        category = Category.objects.create(slug=slug, **wanted)
        existing[slug] = category
        return category, 1
    stale = [field for field, value in wanted.items() if getattr(category, field) != value]
    if not stale:
        return category, 0
    for field in stale:
        setattr(category, field, wanted[field])
    category.save(update_fields=stale)
    return category, 1
